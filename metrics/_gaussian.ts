// Dense linear algebra on small symmetric matrices for the Gaussian scores:
// covariance checks (positive definite or semi-definite), Cholesky
// log-determinant, Jacobi eigenvalues.
import { checkMatrix } from "./_validate.ts";

/**
 * Checks that `cov` is a square, symmetric (to 1e-9 relative) matrix of finite
 * numbers and returns it symmetrised. Asks nothing of its eigenvalues.
 */
function checkSymmetric(cov: unknown, name: string, action: string): Float64Array[] {
  const { n, d, cols } = checkMatrix(cov, name, action);
  if (n !== d) {
    throw new TypeError(`Cannot ${action}: ${name} must be square, got ${n}×${d}`);
  }
  // cols[j][i] is row i, column j.
  const a = Array.from({ length: d }, () => new Float64Array(d));
  for (let i = 0; i < d; i++) {
    a[i][i] = cols[i][i];
    for (let j = i + 1; j < d; j++) {
      const x = cols[j][i], y = cols[i][j];
      const scale = Math.sqrt(Math.abs(cols[i][i] * cols[j][j]));
      if (Math.abs(x - y) > 1e-9 * Math.max(scale, Math.abs(x), Math.abs(y))) {
        throw new RangeError(
          `Cannot ${action}: ${name} must be symmetric, but [${i}][${j}] = ${x} and ` +
            `[${j}][${i}] = ${y}`,
        );
      }
      a[i][j] = a[j][i] = (x + y) / 2;
    }
  }
  return a;
}

/**
 * Checks that `cov` is a square, symmetric (to 1e-9 relative), positive
 * definite matrix of finite numbers, and returns it (symmetrised) with its
 * Cholesky log-determinant.
 */
export function checkCovariance(
  cov: unknown,
  name: string,
  action: string,
): { a: Float64Array[]; logDet: number } {
  const { n, d, cols } = checkMatrix(cov, name, action);
  for (let i = 0; i < Math.min(n, d); i++) {
    const v = cols[i][i];
    if (!(v > 0)) {
      throw new RangeError(
        `Cannot ${action}: ${name} must be positive definite, but its diagonal entry ` +
          `[${i}][${i}] is ${v} (a variance must be > 0)`,
      );
    }
  }
  const a = checkSymmetric(cov, name, action);
  return { a, logDet: choleskyLogDet(a, name, action) };
}

/**
 * Relative size below which a negative eigenvalue of a covariance counts as
 * rounding (np.cov of a duplicated column gives eigenvalues like −1e-17·λ_max).
 */
export const PSD_TOLERANCE = 1e-9;

/**
 * Checks that `cov` is a square, symmetric (to 1e-9 relative), positive
 * semi-definite matrix of finite numbers: singular covariances (a duplicated
 * or a constant dimension) pass; a diagonal entry < 0 or an eigenvalue below
 * −1e-9·max|λ| does not. Returns it symmetrised.
 */
export function checkPsdCovariance(cov: unknown, name: string, action: string): Float64Array[] {
  const a = checkSymmetric(cov, name, action);
  const d = a.length;
  for (let i = 0; i < d; i++) {
    if (a[i][i] < 0) {
      throw new RangeError(
        `Cannot ${action}: ${name} must be positive semi-definite, but its diagonal entry ` +
          `[${i}][${i}] is ${a[i][i]} (a variance must be ≥ 0)`,
      );
    }
  }
  const eig = symmetricEigenvalues(a);
  let top = 0, low = Infinity;
  for (const v of eig) {
    top = Math.max(top, Math.abs(v));
    low = Math.min(low, v);
  }
  if (low < -PSD_TOLERANCE * top) {
    throw new RangeError(
      `Cannot ${action}: ${name} is not positive semi-definite: it has the eigenvalue ${low} ` +
        `(largest |eigenvalue| ${top}), so it is not a covariance`,
    );
  }
  return a;
}

/**
 * Gaussian total correlation of a positive semi-definite `a` with every
 * diagonal entry > 0: ½(Σ log a_ii − log det a), or +Infinity when `a` is
 * singular (a Cholesky pivot ≤ 1e-14·a_jj: some dimension is a linear
 * combination of the others, and the Gaussian has infinite total correlation).
 */
export function totalCorrelationOrInfinity(a: readonly Float64Array[]): number {
  try {
    return totalCorrelationOf(a, choleskyLogDet(a, "", ""));
  } catch {
    return Infinity;
  }
}

/** log det A from the Cholesky factor; throws a RangeError unless A is positive definite. */
function choleskyLogDet(a: readonly Float64Array[], name: string, action: string): number {
  const d = a.length;
  const l = Array.from({ length: d }, () => new Float64Array(d));
  let logDet = 0;
  for (let j = 0; j < d; j++) {
    let s = a[j][j];
    for (let k = 0; k < j; k++) s -= l[j][k] * l[j][k];
    // A pivot that is not clearly positive means A is singular or indefinite.
    if (!(s > 1e-14 * a[j][j])) {
      throw new RangeError(
        `Cannot ${action}: ${name} is not positive definite (Cholesky pivot ${j} is ${s}; ` +
          `its rows are linearly dependent or it has a negative eigenvalue)`,
      );
    }
    const ljj = Math.sqrt(s);
    l[j][j] = ljj;
    logDet += 2 * Math.log(ljj);
    for (let i = j + 1; i < d; i++) {
      let t = a[i][j];
      for (let k = 0; k < j; k++) t -= l[i][k] * l[j][k];
      l[i][j] = t / ljj;
    }
  }
  return logDet;
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (input not modified). */
export function symmetricEigenvalues(input: readonly Float64Array[]): Float64Array {
  const d = input.length;
  const a = input.map((r) => Float64Array.from(r));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < d; i++) {
      diag += a[i][i] * a[i][i];
      for (let j = i + 1; j < d; j++) off += a[i][j] * a[i][j];
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p][q];
        if (apq === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from(a, (r, i) => r[i]);
}

/** ½·(Σ log a_ii − log det a), clipped at 0 (Hadamard's inequality makes it ≥ 0). */
export function totalCorrelationOf(a: readonly Float64Array[], logDet: number): number {
  let logDiag = 0;
  for (let i = 0; i < a.length; i++) logDiag += Math.log(a[i][i]);
  const tc = 0.5 * (logDiag - logDet);
  return tc > 0 ? tc : 0;
}

/**
 * 2·tr a − 2·tr (Λa)^{1/2} with Λ = diag a, for a positive semi-definite `a`
 * (singular allowed). Λa is similar to the symmetric PSD matrix
 * M = Λ^{1/2} a Λ^{1/2}; the square root is the eigendecomposition one,
 * M^{1/2} = V diag(√μ) Vᵀ, whose trace is Σ √μ_i, with eigenvalues μ_i that
 * rounding left slightly negative clamped to 0. This is the trace of the
 * principal square root scipy's `sqrtm` returns for Λa. The result is clipped
 * at 0. Also returns tr a.
 */
export function wassersteinOf(a: readonly Float64Array[]): { value: number; trace: number } {
  const d = a.length;
  const root = Float64Array.from(a, (r, i) => Math.sqrt(r[i] > 0 ? r[i] : 0));
  const s = a.map((r, i) => Float64Array.from(r, (v, j) => root[i] * v * root[j]));
  let trace = 0, traceSqrt = 0;
  for (let i = 0; i < d; i++) trace += a[i][i];
  for (const mu of symmetricEigenvalues(s)) traceSqrt += Math.sqrt(mu > 0 ? mu : 0);
  const w = 2 * trace - 2 * traceSqrt;
  return { value: w > 0 ? w : 0, trace };
}
