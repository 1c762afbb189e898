// The flat-array, positional form of the logistic regression the transfer
// experiment calls, on top of the public `logisticRegression` of metrics/ (the
// same fit: rows are views of the flat array). Kept so that call site need not
// change while it is edited elsewhere; new code calls `logisticRegression`.
import { logisticRegression } from "../../metrics/logistic_regression.ts";

/** Solver settings, as `logisticRegression` takes them. */
export interface FitOptions {
  /** Inverse regularisation strength. */
  c?: number;
  /** Gradient tolerance. */
  tol?: number;
  /** Iteration cap. */
  maxIter?: number;
}

/** What the transfer experiment reads of a fitted model. */
export interface FlatLogisticRegression {
  /** False when the iteration cap stopped the solver first. */
  readonly converged: boolean;
  /** Class probabilities, row-major `n × nClasses`, of row-major `n × d` inputs. */
  predictProba(x: Float64Array): Float64Array;
}

function rowsOf(x: Float64Array, d: number): Float64Array[] {
  return Array.from({ length: x.length / d }, (_, i) => x.subarray(i * d, (i + 1) * d));
}

/** Fits row-major features `x` (`n × d`) to class indices `y` in 0..nClasses−1. */
export function fitLogisticRegression(
  x: Float64Array,
  d: number,
  y: Int32Array,
  nClasses: number,
  { c, tol, maxIter }: FitOptions = {},
): FlatLogisticRegression {
  const model = logisticRegression(rowsOf(x, d), y, { nClasses, c, tol, maxIter });
  return {
    converged: model.converged,
    predictProba: (xs) => Float64Array.from(model.predictProba(rowsOf(xs, d)).flat()),
  };
}
