// The library's own linear support vector classifier, as scikit-learn's
// `LinearSVC(C=0.01, class_weight="balanced")` that disentanglement_lib's SAP
// score uses (liblinear's L2-regularised, squared-hinge, one-vs-rest solver):
//
//   min_w ½‖w‖² + Σ_i C_i · max(0, 1 − s_i w·x̃_i)²,   x̃_i = (x_i, 1),
//
// so the intercept is an extra feature of value 1 (liblinear's
// intercept_scaling = 1) and IS regularised, as in liblinear. Class weights:
// "balanced" gives class c the weight N / (K · N_c). As liblinear, the binary
// problem (K = 2) is one model with C_i = C·weight(y_i) and class 1 positive;
// for K ≥ 3 there is one model per class c, with C·weight(c) on the samples of
// class c and plain C on all others, and a row goes to the class with the
// largest decision value (the first on ties).
//
// Solver: Newton's method on the primal with the generalised Hessian
// I + 2 Σ_{active} C_i x̃_i x̃_iᵀ (active: margin < 1) and Armijo backtracking,
// until max |∇| ≤ 1e-10·(1 + max |∇ at 0|) or 100 iterations. The objective is
// strictly convex, so the result is the exact optimum liblinear's dual
// coordinate descent approaches (to its tolerance).
import { argmax } from "./_classes.ts";

/** Hyperparameters of {@link fitLinearSvm}. */
export interface LinearSvmOptions {
  /** Penalty C of the squared hinge loss. */
  c?: number;
  /** `"balanced"`: weight N / (K·N_c) for class c; `"none"`: all weights 1. */
  classWeight?: "balanced" | "none";
  /** Relative gradient tolerance of the Newton solver. */
  tol?: number;
  /** Iteration cap of the Newton solver (per binary problem). */
  maxIter?: number;
}

/** A fitted linear SVM. */
export interface LinearSvmModel {
  /** Number of classes K. */
  readonly nClasses: number;
  /** Number of features d. */
  readonly nFeatures: number;
  /** Per model (1 if K = 2, else K): d weights then the intercept. */
  readonly coef: Float64Array;
  /** True when every binary problem met the tolerance. */
  readonly converged: boolean;
  /** Predicted class index of every row of row-major `n × d` inputs. */
  predict(x: Float64Array): Int32Array;
}

/** Solves the p × p symmetric positive definite system A v = b in place of b. */
function choleskySolve(a: Float64Array, b: Float64Array, p: number): void {
  for (let j = 0; j < p; j++) {
    let s = a[j * p + j];
    for (let k = 0; k < j; k++) s -= a[j * p + k] * a[j * p + k];
    const l = Math.sqrt(s);
    a[j * p + j] = l;
    for (let i = j + 1; i < p; i++) {
      let t = a[i * p + j];
      for (let k = 0; k < j; k++) t -= a[i * p + k] * a[j * p + k];
      a[i * p + j] = t / l;
    }
  }
  for (let i = 0; i < p; i++) {
    let t = b[i];
    for (let k = 0; k < i; k++) t -= a[i * p + k] * b[k];
    b[i] = t / a[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let t = b[i];
    for (let k = i + 1; k < p; k++) t -= a[k * p + i] * b[k];
    b[i] = t / a[i * p + i];
  }
}

/** One binary problem: signs s_i = ±1, costs C_i. Returns (weights, converged). */
function solveBinary(
  x: Float64Array,
  d: number,
  sign: Int8Array,
  cost: Float64Array,
  tol: number,
  maxIter: number,
): { w: Float64Array; converged: boolean } {
  const n = sign.length;
  const p = d + 1;
  const w = new Float64Array(p);
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  const step = new Float64Array(p);
  const trial = new Float64Array(p);
  const objective = (v: Float64Array): number => {
    let f = 0;
    for (let j = 0; j < p; j++) f += 0.5 * v[j] * v[j];
    for (let i = 0; i < n; i++) {
      let m = v[d];
      for (let j = 0; j < d; j++) m += v[j] * x[i * d + j];
      const slack = 1 - sign[i] * m;
      if (slack > 0) f += cost[i] * slack * slack;
    }
    return f;
  };
  let f = objective(w);
  let gradScale = -1;
  for (let iter = 0; iter < maxIter; iter++) {
    // Gradient and generalised Hessian at w.
    for (let j = 0; j < p; j++) grad[j] = w[j];
    hess.fill(0);
    for (let j = 0; j < p; j++) hess[j * p + j] = 1;
    for (let i = 0; i < n; i++) {
      let m = w[d];
      for (let j = 0; j < d; j++) m += w[j] * x[i * d + j];
      const slack = 1 - sign[i] * m;
      if (slack <= 0) continue;
      const gc = -2 * cost[i] * slack * sign[i];
      const hc = 2 * cost[i];
      for (let j = 0; j < p; j++) {
        const xj = j < d ? x[i * d + j] : 1;
        grad[j] += gc * xj;
        for (let k = 0; k <= j; k++) hess[j * p + k] += hc * xj * (k < d ? x[i * d + k] : 1);
      }
    }
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) hess[k * p + j] = hess[j * p + k];
    let gmax = 0;
    for (let j = 0; j < p; j++) gmax = Math.max(gmax, Math.abs(grad[j]));
    if (gradScale < 0) gradScale = 1 + gmax;
    if (gmax <= tol * gradScale) return { w, converged: true };
    for (let j = 0; j < p; j++) step[j] = -grad[j];
    choleskySolve(hess, step, p);
    let slope = 0;
    for (let j = 0; j < p; j++) slope += grad[j] * step[j];
    let t = 1;
    let accepted = false;
    for (let tries = 0; tries < 60; tries++) {
      for (let j = 0; j < p; j++) trial[j] = w[j] + t * step[j];
      const ft = objective(trial);
      if (ft <= f + 1e-4 * t * slope) {
        w.set(trial);
        f = ft;
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) return { w, converged: true }; // optimal to machine precision
  }
  return { w, converged: false };
}

/**
 * Fits the linear SVM to row-major features `x` (`n × d`) and class indices
 * `y` in 0..nClasses−1 (nClasses ≥ 2, every class present).
 */
export function fitLinearSvm(
  x: Float64Array,
  d: number,
  y: Int32Array,
  nClasses: number,
  { c = 0.01, classWeight = "balanced", tol = 1e-10, maxIter = 100 }: LinearSvmOptions = {},
): LinearSvmModel {
  const n = y.length;
  const k = nClasses;
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[y[i]]++;
  const weight = new Float64Array(k);
  for (let cl = 0; cl < k; cl++) {
    weight[cl] = classWeight === "balanced" && counts[cl] > 0 ? n / (k * counts[cl]) : 1;
  }
  const models = k === 2 ? 1 : k;
  const coef = new Float64Array(models * (d + 1));
  const sign = new Int8Array(n);
  const cost = new Float64Array(n);
  let converged = true;
  for (let mIdx = 0; mIdx < models; mIdx++) {
    const positive = k === 2 ? 1 : mIdx;
    for (let i = 0; i < n; i++) {
      const isPos = y[i] === positive;
      sign[i] = isPos ? 1 : -1;
      cost[i] = k === 2 ? c * weight[y[i]] : isPos ? c * weight[positive] : c;
    }
    const r = solveBinary(x, d, sign, cost, tol, maxIter);
    converged &&= r.converged;
    coef.set(r.w, mIdx * (d + 1));
  }
  return {
    nClasses: k,
    nFeatures: d,
    coef,
    converged,
    predict: (xs: Float64Array): Int32Array => {
      const rows = xs.length / d;
      const out = new Int32Array(rows);
      const dec = new Float64Array(models);
      for (let i = 0; i < rows; i++) {
        for (let mIdx = 0; mIdx < models; mIdx++) {
          const off = mIdx * (d + 1);
          let v = coef[off + d];
          for (let j = 0; j < d; j++) v += coef[off + j] * xs[i * d + j];
          dec[mIdx] = v;
        }
        out[i] = k === 2 ? (dec[0] > 0 ? 1 : 0) : argmax(dec, 0, models);
      }
      return out;
    },
  };
}
