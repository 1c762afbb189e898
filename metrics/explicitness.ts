import { encodeClasses, toRowMajor } from "./_classes.ts";
import { fitLogisticRegression } from "./_logistic_regression.ts";
import { rocAucOneVsRest } from "./_roc_auc.ts";
import { checkSplits } from "./_split.ts";
import type { CodesAndFactors } from "./sap.ts";

/** Result of {@link explicitness}, with the settings it was computed with. */
export interface ExplicitnessResult {
  /** Mean over factors of the test ROC-AUC, in [0, 1] (0.5: chance). */
  readonly score: number;
  /** Test ROC-AUC of every factor: `[K]`. */
  readonly perFactor: number[];
  /** Mean over factors of the training ROC-AUC. */
  readonly scoreTrain: number;
  /** Training ROC-AUC of every factor: `[K]`. */
  readonly perFactorTrain: number[];
  /** Inverse regularisation strength C of the logistic regression. */
  readonly c: number;
  /** Number of training rows. */
  readonly numTrain: number;
  /** Number of test rows. */
  readonly numTest: number;
}

/** Options of {@link explicitness}. */
export interface ExplicitnessOptions {
  /**
   * Called after each factor's classifier is fitted with the factors done and
   * their total, for a progress display.
   * @default {undefined}
   */
  onProgress?: (done: number, total: number) => void;
}

const C = 1;

/**
 * Explicitness (Ridgeway & Mozer 2018) with the protocol of
 * disentanglement_lib: codes are standardised with the training split's mean
 * and standard deviation (a dimension constant on the training split is only
 * centred); for every factor a logistic regression (L2, C = 1, multinomial,
 * as scikit-learn's `LogisticRegression()`) predicts the factor from all codes;
 * its class probabilities are scored by the one-vs-rest ROC-AUC of every class,
 * macro-averaged (scikit-learn's `roc_auc_score` on binarised labels).
 *
 * The classes of a factor are those in the training split. On each split, a
 * class whose one-vs-rest problem has no positive or no negative row has no
 * ROC-AUC and is left out of the average (the reference raises an error);
 * rows whose label never occurs in training count as negatives for every class.
 *
 * Throws a TypeError for ragged or mismatched inputs, a RangeError for
 * non-finite values, fewer than 2 rows, a factor constant in the training
 * split, or a split where no class of a factor has both positive and negative
 * rows (naming the factor).
 *
 * @example A code that copies each factor into its own dimension
 * ```ts
 * import { explicitness } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 120 }, (_, i) => [i % 2, Math.floor(i / 2) % 3]);
 * const codes = factors.map(([a, b]) => [a, b]);
 * const { score, perFactor } = explicitness({ codes, factors }, { codes, factors });
 * assert.ok(score > 0.9);
 * assert.equal(perFactor.length, 2);
 * ```
 *
 * @param train Codes and factors (any finite numbers, categories) the classifiers are fitted on.
 * @param test Codes and factors (any finite numbers, categories) the ROC-AUC is measured on.
 * @param options See {@link ExplicitnessOptions}.
 */
export function explicitness(
  train: CodesAndFactors,
  test: CodesAndFactors,
  options: ExplicitnessOptions = {},
): ExplicitnessResult {
  const { onProgress } = options;
  const action = "compute explicitness";
  const { train: tr, test: te } = checkSplits(train, test, action);
  const nCodes = tr.codes.d;
  const nFactors = tr.factors.d;
  // Standardise with the training statistics (numpy's std, ddof = 0).
  const trCols: Float64Array[] = [];
  const teCols: Float64Array[] = [];
  for (let d = 0; d < nCodes; d++) {
    const a = tr.codes.cols[d];
    const b = te.codes.cols[d];
    let mean = 0;
    for (let i = 0; i < a.length; i++) mean += a[i];
    mean /= a.length;
    let ss = 0;
    for (let i = 0; i < a.length; i++) ss += (a[i] - mean) ** 2;
    const std = Math.sqrt(ss / a.length);
    const scale = std > 0 ? std : 1;
    trCols.push(a.map((v) => (v - mean) / scale));
    teCols.push(b.map((v) => (v - mean) / scale));
  }
  const xTrain = toRowMajor(trCols, tr.codes.n);
  const xTest = toRowMajor(teCols, te.codes.n);
  const perFactor: number[] = [];
  const perFactorTrain: number[] = [];
  for (let k = 0; k < nFactors; k++) {
    const what = `factor ${k} (train.factors[·][${k}])`;
    const { classes, yTrain, yTest } = encodeClasses(
      tr.factors.cols[k],
      te.factors.cols[k],
      what,
      action,
    );
    const model = fitLogisticRegression(xTrain, nCodes, yTrain, classes.length, { c: C });
    perFactorTrain.push(
      rocAucOneVsRest(model.predictProba(xTrain), yTrain, classes.length, what, "train", action),
    );
    perFactor.push(
      rocAucOneVsRest(model.predictProba(xTest), yTest, classes.length, what, "test", action),
    );
    onProgress?.(k + 1, nFactors);
  }
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    score: mean(perFactor),
    perFactor,
    scoreTrain: mean(perFactorTrain),
    perFactorTrain,
    c: C,
    numTrain: tr.codes.n,
    numTest: te.codes.n,
  };
}
