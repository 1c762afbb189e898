import { checkInteger, checkLabels, checkMatrix, checkSameRows } from "./_validate.ts";
import { codeFactorInformation, requireFactorEntropy } from "./_information.ts";

/** Options of {@link mic}. */
export interface MicOptions {
  /**
   * The code indices S the concentration is measured in: distinct integers
   * in [0, D) (required). The empty subset and the full set are allowed.
   */
  subset: ArrayLike<number>;
  /**
   * Number of equal-width histogram bins each code dimension is discretised
   * into (see `histogramDiscretize`); an integer ≥ 1. Seed 004 uses 20.
   * @default {20}
   */
  bins?: number;
}

/** Result of {@link mic}. */
export interface MicResult {
  /** MIC of each factor with the subset, in [−D, D]·(max MI / H). */
  perFactor: number[];
  /** The code indices S the concentration was measured in (as given). */
  subset: number[];
  /** `[D][K]` mutual information in nats between discretised codes and factors. */
  mutualInfo: number[][];
  /** H(factor k) in nats. */
  factorEntropy: number[];
  /** The number of histogram bins used. */
  bins: number;
  /** The number of samples N. */
  samples: number;
}

/**
 * Mutual Information Concentration of each factor in a subset S of the code
 * dimensions (Grouped-VAE paper, seed 004, eq. 13):
 * MIC(f, S) = (Σ_{n∈S} I(d_n, f) − Σ_{n∉S} I(d_n, f)) / H(f),
 * with the mutual information counted as in {@link mig} (codes discretised into
 * `bins` equal-width bins, factors taken as labels). It is positive when the
 * factor's information sits in S, negative when it sits outside. A constant
 * code dimension has mutual information 0. The empty subset and the full set
 * are allowed. Every factor must take at least two values (H(f) > 0).
 *
 * @param codes `[N][D]` finite numbers (N ≥ 2), rows are samples.
 * @param factors `[N][K]` factor labels of the same samples (any finite numbers, categories).
 * @param options The subset S (distinct code indices in [0, D)) and the number of bins; see
 *   {@link MicOptions}.
 * @returns One MIC per factor, with the MI matrix and the settings used.
 * @throws {TypeError} On ragged or non-numeric input, non-integer subset entries or `bins`.
 * @throws {RangeError} On fewer than 2 samples, NaN/±Infinity, row-count mismatch, `bins` < 1,
 *   a subset index outside [0, D) or repeated, or a factor with a single value.
 *
 * @example Factor 0 lives in code 0, factor 1 in code 1
 * ```ts
 * import { mic } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 100 }, (_, i) => [i % 2, Math.floor(i / 2) % 5]);
 * const codes = factors.map(([a, b]) => [a, b]);
 * const { perFactor } = mic(codes, factors, { subset: [0] });
 * assert.ok(Math.abs(perFactor[0] - 1) < 1e-12); // all of factor 0 is in S
 * assert.ok(Math.abs(perFactor[1] + 1) < 1e-12); // all of factor 1 is outside S
 * ```
 */
export function mic(
  codes: ReadonlyArray<ArrayLike<number>>,
  factors: ReadonlyArray<ArrayLike<number>>,
  options: MicOptions,
): MicResult {
  const { subset, bins = 20 } = options ?? ({} as MicOptions);
  const action = "compute MIC";
  checkInteger(bins, "bins", action, 1);
  const c = checkMatrix(codes, "codes", action, { minRows: 2 });
  const f = checkLabels(factors, "factors", action, { minRows: 2 });
  checkSameRows(c, "codes", f, "factors", action);
  if (
    subset === null || typeof subset !== "object" ||
    typeof (subset as ArrayLike<number>).length !== "number"
  ) {
    throw new TypeError(
      `Cannot ${action}: subset must be an array of code indices, got ${String(subset)}`,
    );
  }
  const inS = new Uint8Array(c.d);
  const s: number[] = [];
  for (let i = 0; i < subset.length; i++) {
    const j = checkInteger(subset[i], `subset[${i}]`, action, 0, c.d - 1);
    if (inS[j]) {
      throw new RangeError(`Cannot ${action}: subset lists code index ${j} twice`);
    }
    inS[j] = 1;
    s.push(j);
  }
  const { mi, factorLabels, factorEntropy } = codeFactorInformation(c, f, bins, action);
  requireFactorEntropy(factorLabels, factorEntropy, action);
  const perFactor = factorEntropy.map((h, k) => {
    let sum = 0;
    for (let j = 0; j < c.d; j++) sum += inS[j] ? mi[j][k] : -mi[j][k];
    return sum / h;
  });
  return { perFactor, subset: s, mutualInfo: mi, factorEntropy, bins, samples: c.n };
}
