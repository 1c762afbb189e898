// The library's own L2-regularised logistic regression, as scikit-learn's
// `LogisticRegression()` defaults that disentanglement_lib relies on (β-VAE
// score, explicitness): C = 1, intercept fitted and not penalised, multinomial
// (softmax) for three or more classes and a single binomial model for two.
//
// Objective (scikit-learn's, divided by N so the tolerances do not depend on N):
//   f(W, b) = (1/N) Σ_i −log softmax(W x_i + b)_{y_i} + ‖W‖² / (2 C N).
// Minimised with L-BFGS from zero until max |∇f| ≤ 1e-6, or the relative
// decrease of one step ≤ 64·ε, or 1000 iterations. The problem is strictly
// convex in W, so the solution does not depend on the solver.
import { argmax } from "./_classes.ts";
import { minimizeLbfgs } from "./_lbfgs.ts";

/** Hyperparameters of {@link fitLogisticRegression}. */
export interface LogisticRegressionOptions {
  /** Inverse regularisation strength (scikit-learn's C). */
  c?: number;
  /** Gradient tolerance (max-norm, on the N-normalised objective). */
  tol?: number;
  /** Iteration cap of L-BFGS. */
  maxIter?: number;
}

/** A fitted logistic regression. */
export interface LogisticRegressionModel {
  /** Number of classes K. */
  readonly nClasses: number;
  /** Number of features d. */
  readonly nFeatures: number;
  /**
   * Coefficients, one row of d weights and then the intercept per output:
   * K outputs (multinomial) or 1 (binary: logit of class 1 against class 0).
   */
  readonly coef: Float64Array;
  /** L-BFGS iterations used. */
  readonly iterations: number;
  /** False when the iteration cap stopped the solver first. */
  readonly converged: boolean;
  /** Class probabilities, row-major `n × K`, for row-major `n × d` inputs. */
  predictProba(x: Float64Array): Float64Array;
  /** Most probable class of every row (the first on ties). */
  predict(x: Float64Array): Int32Array;
}

/** Writes the K class log-probabilities of row i into `out` (offset 0). */
function rowLogits(
  w: Float64Array,
  x: Float64Array,
  i: number,
  d: number,
  k: number,
  out: Float64Array,
): void {
  const outputs = k === 2 ? 1 : k;
  const base = i * d;
  for (let o = 0; o < outputs; o++) {
    const wo = o * (d + 1);
    let z = w[wo + d];
    for (let j = 0; j < d; j++) z += w[wo + j] * x[base + j];
    if (k === 2) {
      out[0] = 0;
      out[1] = z;
    } else {
      out[o] = z;
    }
  }
}

/** In place: logits → probabilities; returns log Σ exp(logits). */
function softmaxInPlace(z: Float64Array, k: number): number {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, z[c]);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    z[c] = Math.exp(z[c] - max);
    sum += z[c];
  }
  for (let c = 0; c < k; c++) z[c] /= sum;
  return max + Math.log(sum);
}

/**
 * Fits a logistic regression to row-major features `x` (`n × d`) and class
 * indices `y` in 0..nClasses−1 (nClasses ≥ 2). Inputs are used as given (no
 * standardisation: callers standardise where the reference does).
 */
export function fitLogisticRegression(
  x: Float64Array,
  d: number,
  y: Int32Array,
  nClasses: number,
  { c = 1, tol = 1e-6, maxIter = 1000 }: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  const n = y.length;
  const k = nClasses;
  const outputs = k === 2 ? 1 : k;
  const width = d + 1;
  const z = new Float64Array(k);
  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      rowLogits(w, x, i, d, k, z);
      const yi = y[i];
      const picked = z[yi];
      loss += softmaxInPlace(z, k) - picked;
      const base = i * d;
      for (let o = 0; o < outputs; o++) {
        // Residual p − 1[y = class] of the class this output scores.
        const cls = k === 2 ? 1 : o;
        const r = z[cls] - (yi === cls ? 1 : 0);
        if (r === 0) continue;
        const go = o * width;
        for (let j = 0; j < d; j++) grad[go + j] += r * x[base + j];
        grad[go + d] += r;
      }
    }
    let penalty = 0;
    for (let o = 0; o < outputs; o++) {
      for (let j = 0; j < d; j++) {
        const v = w[o * width + j];
        penalty += v * v;
      }
    }
    const scale = 1 / n;
    const reg = 1 / (c * n);
    for (let o = 0; o < outputs; o++) {
      for (let j = 0; j <= d; j++) {
        const idx = o * width + j;
        grad[idx] = grad[idx] * scale + (j < d ? reg * w[idx] : 0);
      }
    }
    return loss * scale + 0.5 * reg * penalty;
  };
  const result = minimizeLbfgs(objective, new Float64Array(outputs * width), {
    gradTol: tol,
    maxIter,
  });
  const coef = result.x;
  const predictProba = (xs: Float64Array): Float64Array => {
    const rows = xs.length / d;
    const out = new Float64Array(rows * k);
    const buf = new Float64Array(k);
    for (let i = 0; i < rows; i++) {
      rowLogits(coef, xs, i, d, k, buf);
      softmaxInPlace(buf, k);
      out.set(buf, i * k);
    }
    return out;
  };
  return {
    nClasses: k,
    nFeatures: d,
    coef,
    iterations: result.iterations,
    converged: result.converged,
    predictProba,
    predict: (xs: Float64Array): Int32Array => {
      const proba = predictProba(xs);
      const rows = proba.length / k;
      const out = new Int32Array(rows);
      for (let i = 0; i < rows; i++) out[i] = argmax(proba, i * k, k);
      return out;
    },
  };
}
