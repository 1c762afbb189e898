import { shuffleInPlace } from "./_permutation.ts";

/** Options of {@link splitIndices}. */
export interface SplitIndicesOptions {
  /**
   * Fraction of the indices held out for validation, in [0, 1]; the count is
   * `round(fraction · n)`.
   * @default {0.1}
   */
  validationFraction?: number;
  /** Seed of the split (required: the split is random). */
  seed: number;
}

/** A train/validation split of `0..n−1`. */
export interface IndexSplit {
  /** Training indices, ascending. */
  readonly train: Int32Array;
  /** Validation indices, ascending; disjoint from `train`, together all of `0..n−1`. */
  readonly validation: Int32Array;
}

/**
 * Splits the indices `0..n−1` of a data set at random into disjoint training
 * and validation sets (seeded; a different seed gives a different split).
 * Use the parts as `minibatches(dataset, { indices: split.train, ... })`.
 *
 * @param n Number of examples (e.g. `dataset.size`).
 * @param options Validation fraction and seed.
 * @returns The two sets of indices, each sorted.
 * @throws {TypeError} If `n` is not an integer or the seed is missing.
 * @throws {RangeError} If `n < 0`, the fraction is outside [0, 1] or the seed is not a safe integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitIndices } from "@disentangle/vae/data";
 * const { train, validation } = splitIndices(10, { validationFraction: 0.2, seed: 3 });
 * assert.equal(validation.length, 2);
 * assert.equal(train.length, 8);
 * assert.deepEqual([...train, ...validation].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * ```
 */
export function splitIndices(n: number, options: SplitIndicesOptions): IndexSplit {
  const { validationFraction = 0.1, seed } = options ?? ({} as SplitIndicesOptions);
  const action = "split indices";
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new TypeError(`Cannot ${action}: n must be an integer, got ${String(n)}`);
  }
  if (n < 0 || n > 2 ** 31 - 1) {
    throw new RangeError(`Cannot ${action}: n must be in 0..2^31-1, got ${n}`);
  }
  if (
    typeof validationFraction !== "number" || !(validationFraction >= 0 && validationFraction <= 1)
  ) {
    throw new RangeError(
      `Cannot ${action}: validationFraction must be in [0, 1], got ${String(validationFraction)}`,
    );
  }
  if (seed === undefined) {
    throw new TypeError(`Cannot ${action}: options.seed is required (a safe integer)`);
  }
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new RangeError(`Cannot ${action}: seed must be a safe integer, got ${String(seed)}`);
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Stream −1 keeps the split independent of every epoch's shuffle (streams ≥ 0).
  shuffleInPlace(order, seed, -1);
  const k = Math.round(validationFraction * n);
  return {
    train: order.slice(k).sort(),
    validation: order.slice(0, k).sort(),
  };
}
