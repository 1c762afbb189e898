// Argument checks of losses/ alone (hyper-parameters); the tensor and
// posterior checks it shares with estimators/ are in estimators/checks.ts.
import { describe } from "../estimators/checks.ts";
import type { Hyperparameter } from "./types.ts";

/** Throws unless `value` is a finite number ≥ `min`. */
export function checkFinite(
  value: unknown,
  name: string,
  action: string,
  min = -Infinity,
): number {
  if (typeof value !== "number") {
    throw new TypeError(`Cannot ${action}: ${name} must be a number, got ${describe(value)}`);
  }
  if (!Number.isFinite(value) || value < min) {
    const bound = min === -Infinity ? "finite" : `finite and ≥ ${min}`;
    throw new RangeError(`Cannot ${action}: ${name} must be ${bound}, got ${value}`);
  }
  return value;
}

/**
 * Resolves a constant-or-schedule hyper-parameter at `step` and checks the
 * result is a finite number ≥ `min`.
 */
export function resolveHyperparameter(
  value: Hyperparameter,
  name: string,
  action: string,
  step: number,
  min = -Infinity,
): number {
  if (typeof value === "function") {
    const v = value(step);
    if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
      const bound = min === -Infinity ? "a finite number" : `a finite number ≥ ${min}`;
      throw new RangeError(
        `Cannot ${action}: the schedule for ${name} gave ${
          String(v)
        } at step ${step}; it must give ${bound}`,
      );
    }
    return v;
  }
  return checkFinite(value, name, action, min);
}
