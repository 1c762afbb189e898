import { accuracy, encodeClasses } from "./_classes.ts";
import { fitLinearSvm } from "./_linear_svm.ts";
import { checkSplits } from "./_split.ts";

/** Codes and the ground-truth factors they were computed from: one data split. */
export interface CodesAndFactors {
  /** Representation, one row per sample: `[N][D]`. */
  readonly codes: ReadonlyArray<ArrayLike<number>>;
  /** Ground-truth factors, one row per sample: `[N][K]` (any finite numbers; treated as categories unless a metric says otherwise). */
  readonly factors: ReadonlyArray<ArrayLike<number>>;
}

/** Options of {@link sap}. */
export interface SapOptions {
  /**
   * Treat the factors as continuous: score each (code, factor) pair by the
   * squared correlation on the training split instead of a classifier's test
   * accuracy (the factors then need not be integers).
   * @default {false}
   */
  continuous?: boolean;
}

/** Result of {@link sap}, with the settings it was computed with. */
export interface SapResult {
  /** Mean over factors of the gap between the two best codes' scores, in [0, 1]. */
  readonly score: number;
  /** Score of every (code, factor) pair: `[D][K]`. */
  readonly matrix: number[][];
  /** Whether the factors were treated as continuous. */
  readonly continuous: boolean;
  /** Number of training rows. */
  readonly numTrain: number;
  /** Number of test rows. */
  readonly numTest: number;
  /** Penalty C of the linear SVM (discrete factors). */
  readonly c: number;
}

const C = 0.01;

/**
 * Separated Attribute Predictability (Kumar et al. 2018) with the protocol of
 * disentanglement_lib: for every code dimension d and factor k a score
 * S[d][k]; per factor the gap between its best and second-best code; the mean
 * gap over factors.
 *
 * - Discrete factors (default): S[d][k] is the test accuracy of a linear SVM
 *   (squared hinge, C = 0.01, balanced class weights, one-vs-rest, regularised
 *   intercept, as scikit-learn's `LinearSVC(C=0.01, class_weight="balanced")`)
 *   trained to predict factor k from code d alone on the training split.
 * - `continuous: true`: S[d][k] = cov(z_d, y_k)² / (var z_d · var y_k) on the
 *   training split (0 for a code whose variance is ≤ 1e-12), as the reference
 *   does; the test split is checked but not used.
 *
 * Throws a TypeError for ragged or mismatched inputs, a RangeError for
 * non-finite values, fewer than 2 rows, fewer than 2 code dimensions, or a
 * factor that is constant in the training split (naming the factor).
 *
 * With discrete factors the gap is bounded by 1 − (chance accuracy) even for
 * a perfect code, and a one-vs-rest linear rule on a single dimension cannot
 * isolate the middle values of a many-valued factor, so discrete SAP scores
 * are small for such factors (as published ones are).
 *
 * @example Binary factors copied into their own dimensions
 * ```ts
 * import { sap } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 200 }, (_, i) => [i % 2, Math.floor(i / 2) % 2]);
 * const codes = factors.map(([a, b]) => [a, b]);
 * const { score, matrix } = sap({ codes, factors }, { codes, factors });
 * // Each code predicts its own factor perfectly and the other one at chance.
 * assert.deepEqual(matrix, [[1, 0.5], [0.5, 1]]);
 * assert.equal(score, 0.5);
 * ```
 *
 * @example Continuous factors: squared correlations
 * ```ts
 * import { sap } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 200 }, (_, i) => [(i % 10) / 10, Math.floor(i / 10) / 20]);
 * const codes = factors.map(([a, b]) => [2 * a + 1, -b]);
 * const { score } = sap({ codes, factors }, { codes, factors }, { continuous: true });
 * assert.ok(score > 0.99);
 * ```
 *
 * @param train Codes and factors the classifiers are fitted on.
 * @param test Codes and factors the accuracies are measured on.
 * @param options See {@link SapOptions}.
 */
export function sap(
  train: CodesAndFactors,
  test: CodesAndFactors,
  options: SapOptions = {},
): SapResult {
  const action = "compute the SAP score";
  const { continuous = false } = options;
  if (typeof continuous !== "boolean") {
    throw new TypeError(
      `Cannot ${action}: options.continuous must be a boolean, got ${String(continuous)}`,
    );
  }
  const splits = checkSplits(train, test, action, { minCodes: 2 });
  const tr = splits.train;
  const te = splits.test;
  const nCodes = tr.codes.d;
  const nFactors = tr.factors.d;
  const matrix = Array.from({ length: nCodes }, () => new Array<number>(nFactors).fill(0));
  for (let k = 0; k < nFactors; k++) {
    const what = `factor ${k} (train.factors[·][${k}])`;
    if (continuous) {
      const y = tr.factors.cols[k];
      const varY = covariance(y, y);
      if (!(varY > 0)) {
        throw new RangeError(
          `Cannot ${action}: ${what} is constant in the training split (value ${
            y[0]
          }); its squared correlation is undefined`,
        );
      }
      for (let d = 0; d < nCodes; d++) {
        const z = tr.codes.cols[d];
        const varZ = covariance(z, z);
        if (varZ > 1e-12) {
          const cov = covariance(z, y);
          matrix[d][k] = cov * cov / (varZ * varY);
        }
      }
    } else {
      const { classes, yTrain, yTest } = encodeClasses(
        tr.factors.cols[k],
        te.factors.cols[k],
        what,
        action,
      );
      for (let d = 0; d < nCodes; d++) {
        const model = fitLinearSvm(tr.codes.cols[d], 1, yTrain, classes.length, { c: C });
        matrix[d][k] = accuracy(model.predict(te.codes.cols[d]), yTest);
      }
    }
  }
  let gapSum = 0;
  for (let k = 0; k < nFactors; k++) {
    let first = -Infinity;
    let second = -Infinity;
    for (let d = 0; d < nCodes; d++) {
      const v = matrix[d][k];
      if (v > first) {
        second = first;
        first = v;
      } else if (v > second) {
        second = v;
      }
    }
    gapSum += first - second;
  }
  return {
    score: gapSum / nFactors,
    matrix,
    continuous,
    numTrain: tr.codes.n,
    numTest: te.codes.n,
    c: C,
  };
}

/** Sample covariance of a and b (ddof = 1). */
function covariance(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (n - 1);
}
