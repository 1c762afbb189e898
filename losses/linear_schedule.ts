import { checkScheduleOptions, checkStep } from "./_check_step.ts";
import type { Schedule } from "./types.ts";

/** Options of {@link linearSchedule}. */
export interface LinearScheduleOptions {
  /**
   * The value up to `delay`.
   * @default {0}
   */
  readonly from?: number;
  /**
   * The value from `delay + steps` on.
   * @default {1}
   */
  readonly to?: number;
  /**
   * How many steps the ramp from `from` to `to` takes (0 jumps at `delay`).
   * @default {10000}
   */
  readonly steps?: number;
  /**
   * Steps to hold `from` before the ramp starts.
   * @default {0}
   */
  readonly delay?: number;
}

/**
 * A linear warm-up: `from` until `delay`, then a straight line to `to` over
 * `steps` steps, then `to` for ever. Use it for KL annealing (β from 0 to its
 * target) or for the capacity C of Burgess et al. (2018).
 *
 * @example
 * ```ts
 * import { linearSchedule } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const capacity = linearSchedule({ from: 0, to: 25, steps: 100_000 });
 * assert.equal(capacity(0), 0);
 * assert.equal(capacity(50_000), 12.5);
 * assert.equal(capacity(200_000), 25);
 * ```
 *
 * @param options The end points, the ramp length and the delay.
 * @returns step ↦ value.
 */
export function linearSchedule(options: LinearScheduleOptions = {}): Schedule {
  const { from = 0, to = 1, steps = 10_000, delay = 0 } = options;
  checkScheduleOptions("linear", { from, to, steps, delay }, { steps: 0, delay: 0 });
  return (step: number): number => {
    checkStep(step, "linear");
    if (step <= delay) return from;
    if (step >= delay + steps) return to;
    return from + (to - from) * ((step - delay) / steps);
  };
}
