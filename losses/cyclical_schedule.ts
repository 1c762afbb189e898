import { checkScheduleOptions, checkStep } from "./_check_step.ts";
import type { Schedule } from "./types.ts";

/** Options of {@link cyclicalSchedule}. */
export interface CyclicalScheduleOptions {
  /**
   * Steps per cycle.
   * @default {10000}
   */
  readonly period?: number;
  /**
   * The value at the start of each cycle.
   * @default {0}
   */
  readonly from?: number;
  /**
   * The value reached at the end of each ramp and held to the cycle's end.
   * @default {1}
   */
  readonly to?: number;
  /**
   * The fraction of each cycle spent ramping up (the rest holds `to`).
   * @default {0.5}
   */
  readonly rampFraction?: number;
  /**
   * How many cycles to run; after them the schedule holds `to`.
   * @default {Infinity}
   */
  readonly cycles?: number;
}

/**
 * Cyclical annealing (Fu et al. 2019): each cycle of `period` steps ramps
 * linearly from `from` to `to` over its first `rampFraction`, then holds `to`;
 * after `cycles` cycles it holds `to`.
 *
 * @example
 * ```ts
 * import { cyclicalSchedule } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const beta = cyclicalSchedule({ period: 100, rampFraction: 0.5, to: 1 });
 * assert.deepEqual([0, 25, 50, 99, 100, 125].map(beta), [0, 0.5, 1, 1, 0, 0.5]);
 * ```
 *
 * @param options The period, the values, the ramp fraction and the number of cycles.
 * @returns step ↦ value.
 */
export function cyclicalSchedule(options: CyclicalScheduleOptions = {}): Schedule {
  const { period = 10_000, from = 0, to = 1, rampFraction = 0.5, cycles = Infinity } = options;
  checkScheduleOptions("cyclical", { period, from, to, rampFraction }, {
    period: 1,
    rampFraction: 0,
  });
  if (rampFraction > 1) {
    throw new RangeError(
      `Cannot create the cyclical schedule: options.rampFraction must be ≤ 1, got ${rampFraction}`,
    );
  }
  if (typeof cycles !== "number" || Number.isNaN(cycles) || cycles < 1) {
    throw new RangeError(
      `Cannot create the cyclical schedule: options.cycles must be ≥ 1, got ${String(cycles)}`,
    );
  }
  const ramp = rampFraction * period;
  return (step: number): number => {
    checkStep(step, "cyclical");
    if (step >= cycles * period) return to;
    const t = step % period;
    return t >= ramp ? to : from + (to - from) * (t / ramp);
  };
}
