// Argument checks of estimators/, which losses/ shares (it imports them from
// here, so the file has no leading underscore; it is not exported from
// mod.ts). They read only shapes and plain numbers (never tensor values, which
// would force a device sync).
import * as tf from "@tensorflow/tfjs-core";
import type { GaussianPosterior } from "./types.ts";

/** How `value` reads in an error message: a tensor's shape, an array's length, or its type and value. */
export function describe(value: unknown): string {
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape}]`;
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return `a ${(value as object).constructor?.name ?? "object"}`;
  return `${typeof value} ${String(value)}`;
}

/** Throws a TypeError unless `value` is a tensor (of `rank`, when given). */
export function checkTensor(
  value: unknown,
  name: string,
  action: string,
  rank?: number,
): tf.Tensor {
  if (!(value instanceof tf.Tensor)) {
    throw new TypeError(`Cannot ${action}: ${name} must be a tensor, got ${describe(value)}`);
  }
  if (rank !== undefined && value.rank !== rank) {
    throw new TypeError(
      `Cannot ${action}: ${name} must have rank ${rank}, got shape [${value.shape}]`,
    );
  }
  if (value.dtype !== "float32") {
    throw new TypeError(`Cannot ${action}: ${name} must be float32, got ${value.dtype}`);
  }
  return value;
}

/** Throws a TypeError unless `a` and `b` have identical shapes. */
export function checkSameShape(
  a: tf.Tensor,
  aName: string,
  b: tf.Tensor,
  bName: string,
  action: string,
): void {
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new TypeError(
      `Cannot ${action}: ${aName} has shape [${a.shape}] but ${bName} has shape [${b.shape}]`,
    );
  }
}

/** Checks a `{ mean, logVar }` posterior: two float32 `[B, D]` tensors of one shape. */
export function checkPosterior(value: unknown, name: string, action: string): GaussianPosterior {
  if (value === null || typeof value !== "object") {
    throw new TypeError(
      `Cannot ${action}: ${name} must be an object { mean, logVar }, got ${describe(value)}`,
    );
  }
  const { mean, logVar } = value as Partial<GaussianPosterior>;
  checkTensor(mean, `${name}.mean`, action, 2);
  checkTensor(logVar, `${name}.logVar`, action, 2);
  checkSameShape(mean as tf.Tensor, `${name}.mean`, logVar as tf.Tensor, `${name}.logVar`, action);
  return value as GaussianPosterior;
}

/** Checks codes `z` `[B, D]` against the posterior they were drawn from. */
export function checkCodes(
  z: unknown,
  posterior: unknown,
  action: string,
): { z: tf.Tensor2D; posterior: GaussianPosterior } {
  const p = checkPosterior(posterior, "posterior", action);
  checkTensor(z, "z", action, 2);
  checkSameShape(z as tf.Tensor, "z", p.mean, "posterior.mean", action);
  return { z: z as tf.Tensor2D, posterior: p };
}

/** Throws unless `value` is an integer ≥ `min`. */
export function checkInteger(value: unknown, name: string, action: string, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`Cannot ${action}: ${name} must be an integer, got ${describe(value)}`);
  }
  if (value < min) {
    throw new RangeError(`Cannot ${action}: ${name} must be ≥ ${min}, got ${value}`);
  }
  return value;
}
