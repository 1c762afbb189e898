import assert from "node:assert/strict";
import { gaussianTotalCorrelation } from "../../metrics/gaussian_total_correlation.ts";
import { gaussianWassersteinCorrelation } from "../../metrics/gaussian_wasserstein_correlation.ts";
import { symmetricEigenvalues } from "../../metrics/_gaussian.ts";
import { metricRng } from "../../metrics/_rng.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { reference } from "./_reference.ts";

Deno.test("gaussianTotalCorrelation: 2×2 equals −½·log(1 − ρ²)", () => {
  for (const rho of [0, 0.1, -0.5, 0.9, 0.999]) {
    for (const [sa, sb] of [[1, 1], [0.3, 7], [1e-3, 1e3]]) {
      const cov = [[sa * sa, rho * sa * sb], [rho * sa * sb, sb * sb]];
      assertClose(gaussianTotalCorrelation(cov), -0.5 * Math.log(1 - rho * rho), {
        atol: 1e-12,
        rtol: 1e-9,
      });
    }
  }
});

Deno.test("gaussianTotalCorrelation: diagonal → 0; block structure adds up; reference 3×3", () => {
  assert.equal(gaussianTotalCorrelation([[2, 0, 0], [0, 3, 0], [0, 0, 0.5]]), 0);
  // two independent correlated pairs: the TC is the sum of the pairs' TCs
  const cov = [[1, 0.6, 0, 0], [0.6, 1, 0, 0], [0, 0, 4, -1], [0, 0, -1, 1]];
  const expected = -0.5 * Math.log(1 - 0.36) - 0.5 * Math.log(1 - 0.25);
  assertClose(gaussianTotalCorrelation(cov), expected, { atol: 1e-14 });
  const c3 = [[2.0, 0.3, -0.5], [0.3, 1.0, 0.2], [-0.5, 0.2, 0.7]];
  assertClose(gaussianTotalCorrelation(c3), reference.tc3, { atol: 1e-14 });
});

Deno.test("gaussianWassersteinCorrelation: closed forms, diagonal → 0, normalised form", () => {
  for (const rho of [0, 0.2, -0.7, 0.9]) {
    const w = 4 - 2 * (Math.sqrt(1 + rho) + Math.sqrt(1 - rho));
    const cov = [[1, rho], [rho, 1]];
    assertClose(gaussianWassersteinCorrelation(cov), w, { atol: 1e-14 });
    assertClose(gaussianWassersteinCorrelation(cov, { normalize: true }), w / 2, { atol: 1e-14 });
  }
  assert.equal(gaussianWassersteinCorrelation([[2, 0], [0, 5]]), 0);
  const c3 = [[2.0, 0.3, -0.5], [0.3, 1.0, 0.2], [-0.5, 0.2, 0.7]];
  assertClose(gaussianWassersteinCorrelation(c3), reference.w3, { atol: 1e-13 });
  assertClose(gaussianWassersteinCorrelation(c3, { normalize: true }), reference.w3 / 3.7, {
    atol: 1e-13,
  });
});

Deno.test("symmetricEigenvalues: trace and determinant of random SPD matrices are kept", () => {
  const rng = metricRng(11);
  for (let t = 0; t < 20; t++) {
    const d = 1 + rng.int(8);
    const b = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
    const a = Array.from(
      { length: d },
      (_, i) =>
        Float64Array.from({ length: d }, (_, j) => {
          let s = i === j ? 0.1 : 0;
          for (let k = 0; k < d; k++) s += b[i][k] * b[j][k];
          return s;
        }),
    );
    const eig = symmetricEigenvalues(a);
    let trace = 0;
    for (let i = 0; i < d; i++) trace += a[i][i];
    assertClose(eig.reduce((s, v) => s + v, 0), trace, { atol: 1e-10, rtol: 1e-10 });
    // Σ log λ = log det: the eigenvalue route to TC agrees with the Cholesky one
    const logDiag = a.reduce((s, r, i) => s + Math.log(r[i]), 0);
    const logDet = eig.reduce((s, v) => s + Math.log(v), 0);
    const rows = a.map((r) => Array.from(r));
    assertClose(gaussianTotalCorrelation(rows), Math.max(0, 0.5 * (logDiag - logDet)), {
      atol: 1e-8,
    });
  }
});

Deno.test("Gaussian correlations: bad covariances are rejected with a clear RangeError", () => {
  for (
    const fn of [gaussianTotalCorrelation, (c: number[][]) => gaussianWassersteinCorrelation(c)]
  ) {
    assertThrowsWith(() => fn([[1, 0.5], [0.4, 1]]), RangeError, /cov must be symmetric/);
    assertThrowsWith(
      () => fn([[1, 2], [2, 1]]),
      RangeError,
      /cov is not positive (semi-)?definite/,
    );
    assertThrowsWith(() => fn([[-1]]), RangeError, /positive (semi-)?definite/);
    assertThrowsWith(() => fn([[1, 0, 0], [0, 1, 0]]), TypeError, /cov must be square, got 2×3/);
    assertThrowsWith(() => fn([[1, NaN], [NaN, 1]]), RangeError, /cov\[0\]\[1\] must be finite/);
    assertThrowsWith(() => fn([[1, Infinity], [Infinity, 1]]), RangeError, /must be finite/);
    assertThrowsWith(() => fn([[1, 0], [0]]), TypeError, /cov is ragged/);
  }
  // The total correlation of a singular Gaussian is not finite: still refused there.
  assertThrowsWith(
    () => gaussianTotalCorrelation([[1, 1], [1, 1]]),
    RangeError,
    /cov is not positive definite/,
  );
  assertThrowsWith(
    () => gaussianTotalCorrelation([[0, 0], [0, 1]]),
    RangeError,
    /diagonal entry \[0\]\[0\] is 0/,
  );
  // A clearly negative eigenvalue: [[1, 1.01], [1.01, 1]] has λ = −0.01.
  assertThrowsWith(
    () => gaussianWassersteinCorrelation([[1, 1.01], [1.01, 1]]),
    RangeError,
    /cov is not positive semi-definite: it has the eigenvalue -0.0100/,
  );
  assertThrowsWith(
    () => gaussianWassersteinCorrelation([[-1e-3, 0], [0, 1]]),
    RangeError,
    /diagonal entry \[0\]\[0\] is -0.001 \(a variance must be ≥ 0\)/,
  );
  assertThrowsWith(
    () => gaussianWassersteinCorrelation([[0, 0], [0, 0]], { normalize: true }),
    RangeError,
    /cov has trace 0/,
  );
  assertThrowsWith(
    () => gaussianWassersteinCorrelation([[1]], { normalize: 1 as unknown as boolean }),
    TypeError,
    /normalize must be a boolean/,
  );
});

Deno.test("gaussianWassersteinCorrelation: singular covariances, hand-worked", () => {
  // Duplicated dimension of variance v: Σ = v·[[1, 1], [1, 1]], Λ = v·I, so
  // Λ^{1/2} Σ Λ^{1/2} = v²·[[1, 1], [1, 1]] with eigenvalues 2v², 0:
  // W = 2·2v − 2·√2·v = (4 − 2√2)·v, and normalised (4 − 2√2)/2 = 2 − √2.
  for (const v of [1, 0.25, 9]) {
    const cov = [[v, v], [v, v]];
    assertClose(gaussianWassersteinCorrelation(cov), (4 - 2 * Math.SQRT2) * v, { atol: 1e-14 });
    assertClose(gaussianWassersteinCorrelation(cov, { normalize: true }), 2 - Math.SQRT2, {
      atol: 1e-14,
    });
  }
  // A scaled copy z₂ = 2z₁: Σ = [[1, 2], [2, 4]], Λ^{1/2} = diag(1, 2),
  // M = [[1, 4], [4, 16]]: trace 17, det 0, so tr √M = √17 and W = 10 − 2√17.
  assertClose(gaussianWassersteinCorrelation([[1, 2], [2, 4]]), 10 - 2 * Math.sqrt(17), {
    atol: 1e-13,
  });
  // Duplicate beside an independent dimension: eigenvalues 2, 0, 1 → W = 6 − 2(√2 + 1).
  assertClose(
    gaussianWassersteinCorrelation([[1, 1, 0], [1, 1, 0], [0, 0, 1]]),
    4 - 2 * Math.SQRT2,
    { atol: 1e-14 },
  );
  // A constant dimension adds 0 (its row and column are 0): same as without it.
  for (const rho of [0, 0.3, -0.8]) {
    const w = 4 - 2 * (Math.sqrt(1 + rho) + Math.sqrt(1 - rho));
    const cov = [[1, rho, 0], [rho, 1, 0], [0, 0, 0]];
    assertClose(gaussianWassersteinCorrelation(cov), w, { atol: 1e-14 });
    assertClose(gaussianWassersteinCorrelation(cov, { normalize: true }), w / 2, { atol: 1e-14 });
  }
  assert.equal(gaussianWassersteinCorrelation([[0, 0], [0, 0]]), 0);
  // Rounding: an eigenvalue of −1e-17 relative is clamped, not refused.
  const eps = 1e-17;
  assertClose(gaussianWassersteinCorrelation([[1, 1 + eps], [1 + eps, 1]]), 4 - 2 * Math.SQRT2, {
    atol: 1e-12,
  });
});
