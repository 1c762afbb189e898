import { accuracy, toRowMajor } from "./_classes.ts";
import { fitGradientBoosting } from "./_gradient_boosting.ts";
import { fitLogisticRegression } from "./_logistic_regression.ts";
import { checkSplits } from "./_split.ts";
import { checkInteger, checkNumber } from "./_validate.ts";
import type { CodesAndFactors } from "./sap.ts";

/** The two predictors of disentanglement_lib's downstream task. */
export type DownstreamPredictor = "logisticRegression" | "boostedTrees";

/** Options of {@link downstreamTask}. */
export interface DownstreamTaskOptions {
  /**
   * Training sizes: for each size s the predictors are fitted on the first s
   * rows of `train` (integers ≥ 2, at most the rows of `train`).
   * @default {[10, 100, 1000, 10000]}
   */
  sizes?: readonly number[];
  /**
   * Which predictors to run.
   * @default {["logisticRegression", "boostedTrees"]}
   */
  predictors?: readonly DownstreamPredictor[];
  /**
   * Inverse regularisation strengths the logistic regression's 5-fold
   * cross-validation chooses from (scikit-learn's `LogisticRegressionCV(Cs=10)`
   * grid: 10 values log-spaced from 1e-4 to 1e4).
   * @default {10 values 10^(-4 + 8i/9), i = 0..9}
   */
  cs?: readonly number[];
  /**
   * Seed of the boosted trees (it only breaks exact ties between features);
   * factor k uses seed + k, as {@link dci} does.
   * @default {0}
   */
  seed?: number;
  /**
   * Called after each fit (one per predictor, size and factor) with the fits
   * done and their total, for a progress display.
   * @default {undefined}
   */
  onProgress?: (done: number, total: number) => void;
}

/** Accuracies of one predictor at one training size. */
export interface DownstreamAccuracy {
  /** Mean over factors of the test accuracy. */
  readonly meanTestAccuracy: number;
  /** Mean over factors of the training accuracy. */
  readonly meanTrainAccuracy: number;
  /** Smallest test accuracy over factors. */
  readonly minTestAccuracy: number;
  /** Smallest training accuracy over factors. */
  readonly minTrainAccuracy: number;
  /** Test accuracy per factor: `[K]`. */
  readonly perFactorTest: number[];
  /** Training accuracy per factor: `[K]`. */
  readonly perFactorTrain: number[];
}

/** Result of {@link downstreamTask}: per predictor, one entry per training size. */
export interface DownstreamTaskResult {
  /** Per training size (same order as `sizes`), or absent when not run. */
  readonly logisticRegression?: DownstreamAccuracy[];
  /** Per training size (same order as `sizes`), or absent when not run. */
  readonly boostedTrees?: DownstreamAccuracy[];
  /** The training sizes used. */
  readonly sizes: number[];
  /** The C grid of the logistic regression's cross-validation. */
  readonly cs: number[];
  /** Seed of the boosted trees. */
  readonly seed: number;
  /** Number of test rows. */
  readonly numTest: number;
}

const DEFAULT_CS = Array.from({ length: 10 }, (_, i) => 10 ** (-4 + (8 * i) / 9));
const FOLDS = 5;

/** The sorted distinct values of `train` as classes, and a map of labels to their index (−1 if absent). */
function classIndex(
  train: ArrayLike<number>,
): { k: number; index: (ys: ArrayLike<number>) => Int32Array } {
  const classes = Array.from(new Set(Array.from(train))).sort((a, b) => a - b);
  const map = new Map<number, number>();
  classes.forEach((v, c) => map.set(v, c));
  return {
    k: classes.length,
    index: (ys: ArrayLike<number>) => Int32Array.from(ys, (v) => map.get(v) ?? -1),
  };
}

/** Predicts the single training class when only one occurs (no classifier can be fitted). */
function constantOr(
  y: ArrayLike<number>,
  predictOn: readonly Float64Array[][],
  fit: (yIdx: Int32Array, k: number) => (cols: Float64Array[]) => Int32Array,
): { predictions: Int32Array[]; encode: (ys: ArrayLike<number>) => Int32Array } {
  const enc = classIndex(y);
  if (enc.k < 2) {
    return {
      predictions: predictOn.map((cols) => new Int32Array(cols[0].length)),
      encode: enc.index,
    };
  }
  const predict = fit(enc.index(y), enc.k);
  return { predictions: predictOn.map(predict), encode: enc.index };
}

function slice(cols: readonly Float64Array[], from: number, to: number): Float64Array[] {
  return cols.map((c) => c.subarray(from, to));
}

function concat(a: readonly Float64Array[], b: readonly Float64Array[]): Float64Array[] {
  return a.map((c, j) => {
    const out = new Float64Array(c.length + b[j].length);
    out.set(c);
    out.set(b[j], c.length);
    return out;
  });
}

/** Accuracy of class-index predictions against labels encoded the same way. */
function scored(
  predicted: Int32Array,
  labels: ArrayLike<number>,
  encode: (ys: ArrayLike<number>) => Int32Array,
): number {
  return accuracy(predicted, encode(labels));
}

/**
 * The downstream task of disentanglement_lib (Locatello et al. 2019): how
 * well simple predictors recover each factor from the codes as the labelled
 * set grows. For each training size s (10, 100, 1 000, 10 000 by default)
 * and each factor, a predictor is fitted on the first s rows of `train` and
 * scored by its accuracy on all of `test`; the result is the mean (and min)
 * accuracy over factors, per size and predictor:
 *
 * - `logisticRegression`: scikit-learn's `LogisticRegressionCV(Cs=10,
 *   cv=KFold(5))` as disentanglement_lib configures it: L2 logistic
 *   regression (the library's own, as in {@link explicitness}, unstandardised
 *   codes), C chosen by the best mean accuracy over 5 contiguous unshuffled
 *   folds (the smallest C on ties), then refitted on all s rows;
 * - `boostedTrees`: `GradientBoostingClassifier()` defaults (100 stages of
 *   depth-3 trees, learning rate 0.1), as in {@link dci}.
 *
 * The reference draws a fresh sample for every size; with fixed arrays the
 * first s rows are used, so shuffle `train` first if its order means
 * anything. Factors are categories; a class absent from the training rows
 * is never predicted, and a factor with a single value in the training rows
 * (likely at s = 10) is predicted as that value (the reference would fail).
 * The boosted trees at 10 000 rows cost about as much as {@link dci}.
 *
 * @param train Codes and factors the predictors are fitted on (≥ max(sizes) rows).
 * @param test Codes and factors the accuracy is measured on.
 * @param options See {@link DownstreamTaskOptions}.
 * @returns Per predictor and size the accuracies, and the settings used.
 * @throws {TypeError} For ragged or mismatched inputs, a non-integer size or
 *   seed, or an unknown predictor.
 * @throws {RangeError} For NaN/±Infinity, fewer than 2 rows, a size < 2 or
 *   above the training rows, or a C that is not a positive finite number.
 *
 * @example Factors copied into the codes are easy to predict
 * ```ts
 * import { downstreamTask } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 60 }, (_, i) => [i % 3, Math.floor(i / 3) % 2]);
 * const codes = factors.map(([a, b]) => [a, b]);
 * const r = downstreamTask({ codes, factors }, { codes, factors }, {
 *   sizes: [30, 60],
 *   predictors: ["boostedTrees"],
 * });
 * assert.equal(r.boostedTrees![1].meanTestAccuracy, 1);
 * ```
 */
export function downstreamTask(
  train: CodesAndFactors,
  test: CodesAndFactors,
  options: DownstreamTaskOptions = {},
): DownstreamTaskResult {
  const action = "compute the downstream task";
  const {
    sizes = [10, 100, 1000, 10000],
    predictors = ["logisticRegression", "boostedTrees"],
    cs = DEFAULT_CS,
    seed = 0,
    onProgress,
  } = options;
  checkInteger(seed, "options.seed", action, 0, 2 ** 32 - 1);
  const { train: tr, test: te } = checkSplits(train, test, action);
  if (!Array.isArray(sizes) || sizes.length === 0) {
    throw new TypeError(`Cannot ${action}: options.sizes must be a non-empty array of integers`);
  }
  sizes.forEach((s, i) => checkInteger(s, `options.sizes[${i}]`, action, 2, tr.codes.n));
  if (!Array.isArray(predictors) || predictors.length === 0) {
    throw new TypeError(
      `Cannot ${action}: options.predictors must be a non-empty array of "logisticRegression" or "boostedTrees"`,
    );
  }
  for (const p of predictors) {
    if (p !== "logisticRegression" && p !== "boostedTrees") {
      throw new TypeError(
        `Cannot ${action}: options.predictors holds ${
          JSON.stringify(p)
        }; use "logisticRegression" or "boostedTrees"`,
      );
    }
  }
  if (!Array.isArray(cs) || cs.length === 0) {
    throw new TypeError(`Cannot ${action}: options.cs must be a non-empty array of numbers`);
  }
  cs.forEach((c, i) => {
    checkNumber(c, `options.cs[${i}]`, action, 0);
    if (c === 0) throw new RangeError(`Cannot ${action}: options.cs[${i}] must be > 0, got 0`);
  });
  const d = tr.codes.d;

  const fitLogistic = (x: Float64Array[], yIdx: Int32Array, k: number, c: number) => {
    const model = fitLogisticRegression(toRowMajor(x, yIdx.length), d, yIdx, k, { c });
    return (xs: Float64Array[]) => model.predict(toRowMajor(xs, xs[0].length));
  };

  // The factor being fitted (the boosted trees of factor k use seed + k).
  let factor = 0;
  let fitsDone = 0;
  const fitsTotal = predictors.length * sizes.length * tr.factors.d;
  const run = (
    fit: (x: Float64Array[], yIdx: Int32Array, k: number) => (xs: Float64Array[]) => Int32Array,
    chooseC: boolean,
  ): DownstreamAccuracy[] =>
    sizes.map((s) => {
      const x = slice(tr.codes.cols, 0, s);
      const perFactorTrain: number[] = [];
      const perFactorTest: number[] = [];
      for (let k = 0; k < tr.factors.d; k++) {
        factor = k;
        const y = tr.factors.cols[k].subarray(0, s);
        let fitter = fit;
        if (chooseC) {
          const c = chooseRegularisation(x, y);
          fitter = (xx, yIdx, kk) => fitLogistic(xx, yIdx, kk, c);
        }
        const { predictions, encode } = constantOr(y, [x, te.codes.cols], (yIdx, kk) =>
          fitter(x, yIdx, kk));
        perFactorTrain.push(scored(predictions[0], y, encode));
        perFactorTest.push(scored(predictions[1], te.factors.cols[k], encode));
        onProgress?.(++fitsDone, fitsTotal);
      }
      const mean = (v: number[]) =>
        v.reduce((a, b) =>
          a + b, 0) / v.length;
      return {
        meanTestAccuracy: mean(perFactorTest),
        meanTrainAccuracy: mean(perFactorTrain),
        minTestAccuracy: Math.min(...perFactorTest),
        minTrainAccuracy: Math.min(...perFactorTrain),
        perFactorTest,
        perFactorTrain,
      };
    });

  /** The C of `cs` with the best mean 5-fold accuracy on (x, y), the first on ties. */
  const chooseRegularisation = (x: Float64Array[], y: Float64Array): number => {
    const n = y.length;
    if (n < FOLDS) return cs[0];
    const bounds = [0];
    for (let f = 0; f < FOLDS; f++) {
      bounds.push(bounds[f] + Math.floor(n / FOLDS) + (f < n % FOLDS ? 1 : 0));
    }
    let bestC = cs[0], bestScore = -Infinity;
    for (const c of cs) {
      let total = 0;
      for (let f = 0; f < FOLDS; f++) {
        const a = bounds[f], b = bounds[f + 1];
        const xFit = concat(slice(x, 0, a), slice(x, b, n));
        const yFit = new Float64Array(n - (b - a));
        yFit.set(y.subarray(0, a));
        yFit.set(y.subarray(b), a);
        const { predictions, encode } = constantOr(
          yFit,
          [slice(x, a, b)],
          (yIdx, k) => fitLogistic(xFit, yIdx, k, c),
        );
        total += scored(predictions[0], y.subarray(a, b), encode);
      }
      if (total / FOLDS > bestScore) {
        bestScore = total / FOLDS;
        bestC = c;
      }
    }
    return bestC;
  };

  const boosted = (x: Float64Array[], yIdx: Int32Array, k: number) => {
    const model = fitGradientBoosting(x, yIdx, k, { seed: seed + factor });
    return (xs: Float64Array[]) => model.predict(xs);
  };

  const out: {
    logisticRegression?: DownstreamAccuracy[];
    boostedTrees?: DownstreamAccuracy[];
  } = {};
  if (predictors.includes("logisticRegression")) {
    out.logisticRegression = run((x, yIdx, k) => fitLogistic(x, yIdx, k, cs[0]), true);
  }
  if (predictors.includes("boostedTrees")) out.boostedTrees = run(boosted, false);
  return { ...out, sizes: [...sizes], cs: [...cs], seed, numTest: te.codes.n };
}
