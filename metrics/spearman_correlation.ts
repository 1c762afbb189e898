import { averageRanks, pearson } from "./_ranks.ts";

/**
 * Spearman's rank correlation of two equally long vectors: the Pearson
 * correlation of their ranks, ties given the average of the ranks they span
 * (as `scipy.stats.spearmanr`). A constant vector has no order: its
 * correlation with anything is 0 (scipy gives NaN).
 *
 * @example
 * ```ts
 * import { spearmanCorrelation } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * // Any increasing function keeps the order: ρ = 1.
 * assert.equal(spearmanCorrelation([1, 2, 3, 4], [1, 8, 27, 64]), 1);
 * // One swap in four: ρ = 1 − 6·Σd²/(n(n² − 1)) = 1 − 6·2/60 = 0.8.
 * assert.ok(Math.abs(spearmanCorrelation([1, 2, 3, 4], [1, 3, 2, 4]) - 0.8) < 1e-12);
 * ```
 *
 * @param a Values, at least 2.
 * @param b Values of the same length.
 * @returns ρ in [−1, 1].
 * @throws {TypeError} If `a` or `b` is not an array of numbers.
 * @throws {RangeError} If their lengths differ, they hold fewer than 2 values, or a value is not finite.
 */
export function spearmanCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const action = "compute the Spearman correlation";
  for (const [v, name] of [[a, "a"], [b, "b"]] as const) {
    if (v === null || typeof v !== "object" || typeof v.length !== "number") {
      throw new TypeError(
        `Cannot ${action}: ${name} must be an array of numbers, got ${String(v)}`,
      );
    }
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== "number" || !Number.isFinite(v[i])) {
        throw new RangeError(
          `Cannot ${action}: ${name}[${i}] must be a finite number, got ${v[i]}`,
        );
      }
    }
  }
  if (a.length !== b.length) {
    throw new RangeError(
      `Cannot ${action}: a has ${a.length} values but b has ${b.length}; they must match`,
    );
  }
  if (a.length < 2) {
    throw new RangeError(`Cannot ${action}: it needs at least 2 values, got ${a.length}`);
  }
  return pearson(averageRanks(a), averageRanks(b));
}
