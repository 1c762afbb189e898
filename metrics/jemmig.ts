import { checkInteger, checkLabels, checkMatrix, checkSameRows } from "./_validate.ts";
import { codeFactorInformation } from "./_information.ts";
import { entropyOf } from "./_contingency.ts";

/** Options of {@link jemmig}. */
export interface JemmigOptions {
  /**
   * Number of equal-width histogram bins each code dimension is discretised
   * into (see `histogramDiscretize`); an integer ≥ 2. It also sets the
   * normaliser's log(bins), the largest entropy a discretised code can have.
   * @default {20}
   */
  bins?: number;
}

/** Result of {@link jemmig}. */
export interface JemmigResult {
  /** 1 − mean over factors of the normalised JEMMIG, in [0, 1]; 1 is best. */
  readonly score: number;
  /** Unnormalised JEMMIG(y_k) = H(z*, y_k) − I(z*; y_k) + I(z°; y_k), nats, per factor. */
  readonly perFactor: number[];
  /** Normalised JEMMIG(y_k) = JEMMIG(y_k) / (H(y_k) + log bins) per factor, in [0, 1]. */
  readonly perFactorNormalized: number[];
  /** Per factor, z*: the code dimension with the largest mutual information (first on ties). */
  readonly topCode: number[];
  /** Per factor, z°: the code dimension with the second largest mutual information. */
  readonly secondCode: number[];
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
 * JEMMIG, the joint-entropy-minus-mutual-information gap of Do & Tran (2020,
 * "Theory and evaluation metrics for learning disentangled representations",
 * ICLR), with the histogram estimator of {@link mig}: codes are discretised
 * into `bins` equal-width bins, factors are categories. For factor y_k let z*
 * and z° be the codes with the largest and second largest I(z; y_k); then
 *
 *   JEMMIG(y_k) = H(z*, y_k) − I(z*; y_k) + I(z°; y_k),
 *
 * with H(z*, y_k) = H(z*) + H(y_k) − I(z*; y_k), all in nats. It is 0 when z*
 * and y_k determine each other and no other code knows about y_k, and at most
 * H(y_k) + log(bins). This implements the paper's normalised form,
 * JEMMIG(y_k) / (H(y_k) + log bins), and, so that higher is better as for the
 * other scores, reports score = 1 − mean over k of the normalised JEMMIG
 * (the form of the paper's figures and of common re-implementations). Unlike
 * MIG it also penalises a top code that carries more than y_k (its H(z*|y_k)
 * term), and a factor that takes a single value is allowed (normaliser log bins).
 *
 * @param codes `[N][D]` finite numbers (N ≥ 2, D ≥ 2), rows are samples.
 * @param factors `[N][K]` factor labels of the same samples (any finite numbers, categories).
 * @param options See {@link JemmigOptions}.
 * @returns The score, per-factor JEMMIG (raw and normalised), the chosen codes and the settings.
 * @throws {TypeError} On ragged or non-numeric input or non-integer `bins`.
 * @throws {RangeError} On fewer than 2 samples or code dimensions, NaN/±Infinity,
 *   row-count mismatch, or `bins` < 2.
 *
 * @example Codes that copy the factors score 1; a shared code scores lower
 * ```ts
 * import { jemmig } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 16 }, (_, i) => [i % 4, Math.floor(i / 4)]);
 * assert.ok(Math.abs(jemmig(factors.map(([a, b]) => [a, b]), factors).score - 1) < 1e-12);
 * assert.ok(jemmig(factors.map(([a, b]) => [4 * a + b, 0]), factors).score < 0.7);
 * ```
 */
export function jemmig(
  codes: ReadonlyArray<ArrayLike<number>>,
  factors: ReadonlyArray<ArrayLike<number>>,
  { bins = 20 }: JemmigOptions = {},
): JemmigResult {
  const action = "compute JEMMIG";
  checkInteger(bins, "bins", action, 2);
  const c = checkMatrix(codes, "codes", action, { minRows: 2, minCols: 2 });
  const f = checkLabels(factors, "factors", action, { minRows: 2 });
  checkSameRows(c, "codes", f, "factors", action);
  const { mi, factorEntropy, codeLabels } = codeFactorInformation(c, f, bins, action);
  const codeEntropy = codeLabels.map(entropyOf);
  const d = c.d;
  const perFactor: number[] = [];
  const perFactorNormalized: number[] = [];
  const topCode: number[] = [];
  const secondCode: number[] = [];
  for (let k = 0; k < f.d; k++) {
    let top = 0;
    for (let j = 1; j < d; j++) if (mi[j][k] > mi[top][k]) top = j;
    let second = top === 0 ? 1 : 0;
    for (let j = 0; j < d; j++) if (j !== top && mi[j][k] > mi[second][k]) second = j;
    const i1 = mi[top][k], i2 = mi[second][k];
    const joint = codeEntropy[top] + factorEntropy[k] - i1;
    const raw = Math.max(0, joint - i1 + i2);
    const norm = raw / (factorEntropy[k] + Math.log(bins));
    perFactor.push(raw);
    perFactorNormalized.push(Math.min(1, norm));
    topCode.push(top);
    secondCode.push(second);
  }
  const mean = perFactorNormalized.reduce((s, v) => s + v, 0) / perFactorNormalized.length;
  return {
    score: 1 - mean,
    perFactor,
    perFactorNormalized,
    topCode,
    secondCode,
    mutualInfo: mi,
    factorEntropy,
    bins,
    samples: c.n,
  };
}
