import type { Schedule } from "./types.ts";

/**
 * A schedule that always gives `value`: the constant case, for code that
 * expects a {@link Schedule}.
 *
 * @example
 * ```ts
 * import { constantSchedule } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * assert.equal(constantSchedule(6)(12_345), 6);
 * ```
 *
 * @param value The constant, a finite number.
 * @returns step ↦ value.
 */
export function constantSchedule(value: number): Schedule {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot create a constant schedule: value must be a finite number, got ${String(value)}`,
    );
  }
  return () => value;
}
