import { checkInteger, checkLabels, checkMatrix, checkSameRows } from "./_validate.ts";
import { codeFactorInformation } from "./_information.ts";

/** Options of {@link dcimig}. */
export interface DcimigOptions {
  /**
   * Number of equal-width histogram bins each code dimension is discretised
   * into (see `histogramDiscretize`); an integer ≥ 1. 20 is the Locatello et
   * al. (2019) histogram protocol, as {@link mig} uses.
   * @default {20}
   */
  bins?: number;
}

/** Result of {@link dcimig}. */
export interface DcimigResult {
  /** Σ_k gap_k / Σ_k H(factor k), in [0, 1]. */
  readonly score: number;
  /**
   * Per code dimension j: I(z_j; top factor) − I(z_j; second factor), the
   * gap between its two most informative factors (0 for a dead dimension).
   */
  readonly perCodeGap: number[];
  /** Per code dimension, its most informative factor (first on ties). */
  readonly topFactor: number[];
  /** Per factor k: the largest gap of the codes whose top factor is k (0 if none). */
  readonly perFactorGap: number[];
  /** `[D][K]` mutual information in nats between discretised codes and factors. */
  readonly mutualInfo: number[][];
  /** H(factor k) in nats. */
  readonly factorEntropy: number[];
  /** The number of histogram bins used. */
  readonly bins: number;
  /** The number of samples N. */
  readonly samples: number;
}

/**
 * DCIMIG (Sepliarskaia, Kiseleva & de Rijke 2019, "How to not measure
 * disentanglement" / "Evaluating disentangled representations"), with the
 * same histogram mutual information as {@link mig}:
 *
 * 1. per code dimension j, let k_j be the factor with the largest I(z_j; v_k)
 *    and gap_j = I(z_j; v_{k_j}) − max_{l ≠ k_j} I(z_j; v_l);
 * 2. per factor k, S_k = max of gap_j over the codes with k_j = k (0 if no code
 *    picks k);
 * 3. DCIMIG = Σ_k S_k / Σ_k H(v_k).
 *
 * Unlike MIG it looks at the gap per code, so a code that mixes two factors
 * gains nothing, while a factor copied into two codes is not penalised (each
 * copy is still about one factor). Needs K ≥ 2 factors (a gap needs a second
 * factor) and factors that are not all constant.
 *
 * @param codes `[N][D]` finite numbers (N ≥ 2), rows are samples.
 * @param factors `[N][K]` factor labels of the same samples (any finite
 *   numbers, categories), K ≥ 2.
 * @param options See {@link DcimigOptions}.
 * @returns The score, per-code and per-factor gaps, the MI matrix and the settings used.
 * @throws {TypeError} On ragged or non-numeric input or non-integer `bins`.
 * @throws {RangeError} On fewer than 2 samples or factors, NaN/±Infinity,
 *   row-count mismatch, `bins` < 1, or factors that are all constant.
 *
 * @example Each factor copied into its own code: 1; one code mixing both: 0
 * ```ts
 * import { dcimig } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 16 }, (_, i) => [i % 4, Math.floor(i / 4)]);
 * assert.ok(Math.abs(dcimig(factors.map(([a, b]) => [a, b]), factors).score - 1) < 1e-12);
 * assert.ok(dcimig(factors.map(([a, b]) => [4 * a + b, 0]), factors).score < 1e-12);
 * ```
 */
export function dcimig(
  codes: ReadonlyArray<ArrayLike<number>>,
  factors: ReadonlyArray<ArrayLike<number>>,
  { bins = 20 }: DcimigOptions = {},
): DcimigResult {
  const action = "compute DCIMIG";
  checkInteger(bins, "bins", action, 1);
  const c = checkMatrix(codes, "codes", action, { minRows: 2 });
  const f = checkLabels(factors, "factors", action, { minRows: 2, minCols: 2 });
  checkSameRows(c, "codes", f, "factors", action);
  const { mi, factorEntropy } = codeFactorInformation(c, f, bins, action);
  const k = f.d;
  const entropySum = factorEntropy.reduce((s, h) => s + h, 0);
  if (!(entropySum > 0)) {
    throw new RangeError(
      `Cannot ${action}: every factor takes a single value in all ${f.n} rows, so the sum ` +
        `of factor entropies is 0 and the score, normalised by it, is undefined`,
    );
  }
  const perCodeGap: number[] = [];
  const topFactor: number[] = [];
  const perFactorGap = new Array<number>(k).fill(0);
  for (const row of mi) {
    let top = 0;
    for (let l = 1; l < k; l++) if (row[l] > row[top]) top = l;
    let second = -Infinity;
    for (let l = 0; l < k; l++) if (l !== top && row[l] > second) second = row[l];
    const gap = row[top] - second;
    perCodeGap.push(gap);
    topFactor.push(top);
    if (gap > perFactorGap[top]) perFactorGap[top] = gap;
  }
  const score = perFactorGap.reduce((s, g) => s + g, 0) / entropySum;
  return {
    score,
    perCodeGap,
    topFactor,
    perFactorGap,
    mutualInfo: mi,
    factorEntropy,
    bins,
    samples: c.n,
  };
}
