import { shuffleInPlace } from "./_permutation.ts";

/** Options of {@link permutation}. */
export interface PermutationOptions {
  /** Seed of the order (required: the order is random); a safe integer. */
  seed: number;
  /**
   * Which stream of `seed` to draw, a safe integer. Stream k of a seed never
   * depends on how many other streams were drawn, so one seed can give many
   * independent orders (`minibatches` uses stream e for epoch e), each
   * recomputable alone, e.g. when resuming from a checkpoint.
   * @default {0}
   */
  stream?: number;
}

/**
 * `values` in a seeded random order (Fisher–Yates with {@link createRng}), as a
 * new array; `values` itself is not changed. The same seed and stream always
 * give the same order, so a random subset (the first k of the result) or an
 * epoch's order can be reproduced from the seed alone.
 *
 * @param values The values to order, integers in −2³¹..2³¹−1 (e.g. indices).
 * @param options Seed and stream.
 * @returns The values reordered, as an Int32Array of the same length.
 * @throws {TypeError} If `values` is not an array of integers, or the seed is missing.
 * @throws {RangeError} If a value is outside the Int32 range, or the seed or the stream is not
 *   a safe integer.
 *
 * @example A seeded random subset of indices
 * ```ts
 * import assert from "node:assert/strict";
 * import { permutation } from "@disentangle/vae/data";
 * const indices = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
 * const order = permutation(indices, { seed: 7 });
 * assert.deepEqual([...order].sort((a, b) => a - b), indices);
 * assert.deepEqual(permutation(indices, { seed: 7 }), order); // repeatable
 * const subset = order.subarray(0, 3); // three distinct indices, at random
 * assert.equal(new Set(subset).size, 3);
 * ```
 */
export function permutation(values: ArrayLike<number>, options: PermutationOptions): Int32Array {
  const { seed, stream = 0 } = options ?? ({} as PermutationOptions);
  const action = "permute values";
  if (
    values === null || typeof values !== "object" || typeof values.length !== "number"
  ) {
    throw new TypeError(
      `Cannot ${action}: values must be an array of integers, got ${String(values)}`,
    );
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new TypeError(`Cannot ${action}: values[${i}] must be an integer, got ${String(v)}`);
    }
    if (v < -(2 ** 31) || v > 2 ** 31 - 1) {
      throw new RangeError(`Cannot ${action}: values[${i}] must be in -2^31..2^31-1, got ${v}`);
    }
    out[i] = v;
  }
  if (seed === undefined) {
    throw new TypeError(`Cannot ${action}: options.seed is required (a safe integer)`);
  }
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new RangeError(`Cannot ${action}: seed must be a safe integer, got ${String(seed)}`);
  }
  if (typeof stream !== "number" || !Number.isSafeInteger(stream)) {
    throw new RangeError(`Cannot ${action}: stream must be a safe integer, got ${String(stream)}`);
  }
  return shuffleInPlace(out, seed, stream);
}
