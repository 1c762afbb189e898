import { toRowMajor } from "./_classes.ts";
import { checkLabelVector } from "./_labels.ts";
import { fitLogisticRegression } from "./_logistic_regression.ts";
import { checkInteger, checkMatrix, checkNumber } from "./_validate.ts";

/** Options of {@link logisticRegression}. */
export interface LogisticRegressionOptions {
  /**
   * Number of classes K ≥ 2; every label must be in 0..K−1. Give it when a
   * class may be missing from `y` (e.g. a small labelled subset).
   * @default {the largest label + 1}
   */
  nClasses?: number;
  /**
   * Inverse regularisation strength (scikit-learn's C), > 0.
   * @default {1}
   */
  c?: number;
  /**
   * Gradient tolerance of the solver: the largest |∂f/∂w| of the objective
   * divided by N at which it stops, ≥ 0.
   * @default {1e-6}
   */
  tol?: number;
  /**
   * Iteration cap of L-BFGS, an integer ≥ 1; `converged` tells whether it
   * stopped the solver first.
   * @default {1000}
   */
  maxIter?: number;
}

/** A logistic regression fitted by {@link logisticRegression}. */
export interface FittedLogisticRegression {
  /** Number of classes K. */
  readonly nClasses: number;
  /** Number of features d. */
  readonly nFeatures: number;
  /**
   * Coefficients, one row of d weights and then the intercept per output:
   * K outputs (multinomial) or 1 (two classes: the logit of class 1 against
   * class 0).
   */
  readonly coef: Float64Array;
  /** L-BFGS iterations used. */
  readonly iterations: number;
  /** False when the iteration cap stopped the solver first. */
  readonly converged: boolean;
  /** Class probabilities of every row of `x` (`[M][d]`): `[M][K]`, each row summing to 1. */
  predictProba(x: ReadonlyArray<ArrayLike<number>>): number[][];
  /** Most probable class of every row of `x` (the first on ties): `[M]`. */
  predict(x: ReadonlyArray<ArrayLike<number>>): number[];
}

/**
 * Fits an L2-regularised logistic regression with scikit-learn's
 * `LogisticRegression()` defaults, the classifier disentanglement_lib's
 * β-VAE score and explicitness use (and the ones here): C = 1, the intercept
 * fitted and not penalised, one multinomial (softmax) model for three or more
 * classes and a single binomial model for two. The objective is
 * scikit-learn's divided by N, (1/N)·Σ_i −log softmax(W x_i + b)_{y_i} +
 * ‖W‖² / (2 C N), minimised by L-BFGS from zero; it is strictly convex in W,
 * so the fit does not depend on the solver. Features are used as given (no
 * standardisation).
 *
 * @param x Features `[N][d]`, finite numbers (N ≥ 1, d ≥ 1), rows are samples.
 * @param y N integer class labels in 0..K−1.
 * @param options Number of classes, C and the solver's tolerance and iteration cap.
 * @returns The fitted model, which predicts class probabilities and classes of new rows.
 * @throws {TypeError} On ragged or non-numeric input, non-integer labels or a non-integer
 *   `nClasses`/`maxIter`, or rows to predict with a number of features other than d.
 * @throws {RangeError} On NaN/±Infinity, a label count other than N, a label outside
 *   0..K−1, K < 2, C ≤ 0, a negative or non-finite `tol`, or `maxIter` < 1.
 *
 * @example One feature that separates two classes
 * ```ts
 * import { logisticRegression } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const x = [[-2], [-1], [1], [2]];
 * const model = logisticRegression(x, [0, 0, 1, 1]);
 * assert.deepEqual(model.predict([[-3], [3]]), [0, 1]);
 * const [p] = model.predictProba([[0]]);
 * assert.ok(Math.abs(p[0] - 0.5) < 1e-9); // the boundary sits halfway
 * ```
 */
export function logisticRegression(
  x: ReadonlyArray<ArrayLike<number>>,
  y: ArrayLike<number>,
  options: LogisticRegressionOptions = {},
): FittedLogisticRegression {
  const action = "fit the logistic regression";
  const { nClasses, c = 1, tol = 1e-6, maxIter = 1000 } = options;
  const features = checkMatrix(x, "x", action);
  const labels = checkLabelVector(y, "y", action);
  if (labels.length !== features.n) {
    throw new RangeError(
      `Cannot ${action}: x has ${features.n} rows but y has ${labels.length} labels; they must match`,
    );
  }
  let k = nClasses;
  if (k === undefined) {
    k = 0;
    for (const v of labels) k = Math.max(k, v + 1);
  }
  checkInteger(k, "nClasses", action, 2);
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i])) {
      throw new TypeError(
        `Cannot ${action}: y[${i}] must be an integer class index, got ${labels[i]}`,
      );
    }
    if (labels[i] < 0 || labels[i] >= k) {
      throw new RangeError(`Cannot ${action}: y[${i}] must be in 0..${k - 1}, got ${labels[i]}`);
    }
  }
  checkNumber(c, "c", action, 0);
  if (c === 0) throw new RangeError(`Cannot ${action}: c must be > 0, got 0`);
  checkNumber(tol, "tol", action, 0);
  checkInteger(maxIter, "maxIter", action, 1);
  const d = features.d;
  const model = fitLogisticRegression(
    toRowMajor(features.cols, features.n),
    d,
    Int32Array.from(labels),
    k,
    { c, tol, maxIter },
  );
  const rowMajor = (rows: ReadonlyArray<ArrayLike<number>>, what: string): Float64Array => {
    const m = checkMatrix(rows, "x", what);
    if (m.d !== d) {
      throw new TypeError(
        `Cannot ${what}: x has ${m.d} features per row but the model was fitted on ${d}`,
      );
    }
    return toRowMajor(m.cols, m.n);
  };
  return {
    nClasses: k,
    nFeatures: d,
    coef: model.coef,
    iterations: model.iterations,
    converged: model.converged,
    predictProba: (rows) => {
      const proba = model.predictProba(rowMajor(rows, "predict class probabilities"));
      return Array.from({ length: proba.length / k }, (_, i) => [
        ...proba.subarray(i * k, (i + 1) * k),
      ]);
    },
    predict: (rows) => [...model.predict(rowMajor(rows, "predict classes"))],
  };
}
