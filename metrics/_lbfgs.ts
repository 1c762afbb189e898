// Limited-memory BFGS for smooth unconstrained minimisation, used by the
// library's logistic regression. Deterministic: no randomness anywhere.

/** Writes the gradient at `x` into `grad` and returns the objective value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Settings of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Stop when every gradient component is at most this in absolute value. */
  gradTol?: number;
  /**
   * Stop when the relative decrease (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1)
   * of one iteration falls to this (scipy's `ftol`, as scikit-learn sets it).
   */
  relTol?: number;
  /** Largest number of iterations. */
  maxIter?: number;
  /** Number of correction pairs kept. */
  memory?: number;
}

/** Result of {@link minimizeLbfgs}. */
export interface LbfgsResult {
  /** The minimiser found. */
  readonly x: Float64Array;
  /** Objective value there. */
  readonly value: number;
  /** Largest absolute gradient component there. */
  readonly gradMax: number;
  /** Iterations used. */
  readonly iterations: number;
  /** True when a tolerance (not the iteration cap) stopped the search. */
  readonly converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * Minimises `f` from `x0` with L-BFGS (two-loop recursion, scaled identity
 * as initial Hessian) and a backtracking Armijo line search. Pairs with
 * non-positive curvature are skipped, so the direction is always a descent
 * direction.
 */
export function minimizeLbfgs(
  f: Objective,
  x0: Float64Array,
  { gradTol = 1e-6, relTol = 64 * Number.EPSILON, maxIter = 1000, memory = 10 }: LbfgsOptions = {},
): LbfgsResult {
  const p = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(p);
  let fx = f(x, g);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  const dir = new Float64Array(p);
  let xNew = new Float64Array(p);
  let gNew = new Float64Array(p);
  let iter = 0;
  let converged = false;
  while (true) {
    if (maxAbs(g) <= gradTol) {
      converged = true;
      break;
    }
    if (iter >= maxIter) break;
    iter++;
    // Two-loop recursion: dir = −H g.
    for (let i = 0; i < p; i++) dir[i] = -g[i];
    const m = sList.length;
    for (let k = m - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(sList[k], dir);
      const y = yList[k];
      for (let i = 0; i < p; i++) dir[i] -= alpha[k] * y[i];
    }
    if (m > 0) {
      const y = yList[m - 1];
      const gamma = dot(sList[m - 1], y) / dot(y, y);
      for (let i = 0; i < p; i++) dir[i] *= gamma;
    } else {
      // First step: unit length along −g.
      const norm = Math.sqrt(dot(g, g));
      for (let i = 0; i < p; i++) dir[i] /= Math.max(norm, 1);
    }
    for (let k = 0; k < m; k++) {
      const beta = rho[k] * dot(yList[k], dir);
      const s = sList[k];
      for (let i = 0; i < p; i++) dir[i] += (alpha[k] - beta) * s[i];
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Numerical loss of descent: restart from steepest descent.
      sList.length = yList.length = rho.length = 0;
      for (let i = 0; i < p; i++) dir[i] = -g[i];
      slope = -dot(g, g);
    }
    let step = 1;
    let fNew = NaN;
    let accepted = false;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < p; i++) xNew[i] = x[i] + step * dir[i];
      fNew = f(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      // No decrease is representable any more: x is optimal to machine precision.
      converged = true;
      break;
    }
    const s = new Float64Array(p);
    const y = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rho.shift();
      }
      sList.push(s);
      yList.push(y);
      rho.push(1 / sy);
    }
    const decrease = (fx - fNew) / Math.max(Math.abs(fx), Math.abs(fNew), 1);
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    if (decrease <= relTol) {
      converged = true;
      break;
    }
  }
  return { x, value: fx, gradMax: maxAbs(g), iterations: iter, converged };
}
