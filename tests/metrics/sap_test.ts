import assert from "node:assert/strict";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { sap } from "../../metrics/sap.ts";
import { metricRng } from "../../metrics/_rng.ts";

type Rng = ReturnType<typeof metricRng>;

function split(
  n: number,
  seed: number,
  factor: (rng: Rng) => number[],
  code: (f: number[], rng: Rng) => number[],
) {
  const rng = metricRng(seed);
  const factors = Array.from({ length: n }, () => factor(rng));
  return { codes: factors.map((f) => code(f, rng)), factors };
}

const binary = (rng: Rng) => [rng.int(2), rng.int(2), rng.int(2)];
const uniform = (rng: Rng) => [rng.next(), rng.next(), rng.next()];

Deno.test("SAP (continuous): identity codes of independent factors score ≥ 0.9", () => {
  const code = (f: number[], rng: Rng) => f.map((v) => v + 0.01 * rng.normal());
  const r = sap(split(500, 1, uniform, code), split(50, 2, uniform, code), { continuous: true });
  assert.ok(r.score >= 0.9, `score ${r.score}`);
  for (let d = 0; d < 3; d++) {
    assert.ok(r.matrix[d][d] > 0.99);
    for (let k = 0; k < 3; k++) if (k !== d) assert.ok(r.matrix[d][k] < 0.02);
  }
  assert.equal(r.continuous, true);
  assert.equal(r.numTrain, 500);
  assert.equal(r.numTest, 50);
});

Deno.test("SAP (continuous): the score matrix is the squared correlation, hand-worked", () => {
  // z = (1, 2, 3, 4), y = (1, 3, 2, 4): cov = 4/3, var z = var y = 5/3 → R² = 16/25.
  const codes = [[1, 0], [2, 0], [3, 0], [4, 0]];
  const factors = [[1], [3], [2], [4]];
  const r = sap({ codes, factors }, { codes, factors }, { continuous: true });
  assertClose(r.matrix[0][0], 16 / 25, { atol: 1e-12 });
  assert.equal(r.matrix[1][0], 0); // a constant code scores 0
  assertClose(r.score, 16 / 25, { atol: 1e-12 });
});

Deno.test("SAP (discrete): binary factors reach the protocol's ceiling 1 − ½", () => {
  // Each code predicts its own factor perfectly (accuracy 1) and another
  // factor at chance (≈ ½), so the gap per factor is ≈ 1 − ½.
  const code = (f: number[], rng: Rng) => f.map((v) => v + 0.05 * rng.normal());
  const r = sap(split(400, 3, binary, code), split(400, 4, binary, code));
  for (let d = 0; d < 3; d++) {
    assert.equal(r.matrix[d][d], 1);
    for (let k = 0; k < 3; k++) if (k !== d) assert.ok(Math.abs(r.matrix[d][k] - 0.5) < 0.1);
  }
  assert.ok(Math.abs(r.score - 0.5) < 0.1, `score ${r.score}`);
  assert.equal(r.c, 0.01);
  assert.equal(r.continuous, false);
});

Deno.test("SAP: constant and all-zero codes score ≤ 0.2", () => {
  for (const value of [0, -1.5]) {
    const code = () => [value, value];
    const d = sap(split(200, 5, binary, code), split(200, 6, binary, code));
    assert.ok(d.score <= 0.2, `score ${d.score}`);
    const c = sap(split(200, 5, uniform, code), split(20, 6, uniform, code), { continuous: true });
    assert.equal(c.score, 0);
  }
});

Deno.test("SAP: a code shared by two factors scores below a disentangled one", () => {
  const mixed = (f: number[], rng: Rng) => [f[0] + f[1] + 0.01 * rng.normal(), rng.normal(), f[2]];
  const clean = (f: number[], rng: Rng) => [f[0] + 0.01 * rng.normal(), f[1], f[2]];
  const a = sap(split(400, 7, uniform, mixed), split(10, 8, uniform, mixed), { continuous: true });
  const b = sap(split(400, 7, uniform, clean), split(10, 8, uniform, clean), { continuous: true });
  assert.ok(a.score < b.score - 0.2, `${a.score} vs ${b.score}`);
});

Deno.test("SAP: bad input is rejected with a message naming the argument", () => {
  const good = { codes: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.1]], factors: [[0], [1], [0]] };
  assertThrowsWith(
    () => sap({ codes: [[1, 2], [3, 4, 5], [1, 1]], factors: good.factors }, good),
    TypeError,
    /Cannot compute the SAP score: train.codes is ragged/,
  );
  assertThrowsWith(
    () => sap(good, { codes: good.codes, factors: [[0], [1]] }),
    RangeError,
    /test.codes has 3 rows but test.factors has 2/,
  );
  assertThrowsWith(
    () => sap({ ...good, codes: [[0, 1], [NaN, 1], [2, 2]] }, good),
    RangeError,
    /train.codes\[1\]\[0\] must be finite, got NaN/,
  );
  assertThrowsWith(
    () => sap(good, { codes: [[1, 2]], factors: [[0]] }),
    RangeError,
    /test.codes needs at least 2 rows, got 1/,
  );
  assertThrowsWith(
    () => sap({ ...good, codes: [[1], [2], [3]] }, { ...good, codes: [[1], [2], [3]] }),
    RangeError,
    /train.codes needs at least 2 columns, got 1/,
  );
  assertThrowsWith(
    () =>
      sap({ ...good, factors: [[0, 1], [1, 1], [0, 1]] }, {
        ...good,
        factors: [[0, 1], [1, 0], [0, 1]],
      }),
    RangeError,
    /factor 1 \(train.factors\[·\]\[1\]\) takes the single value 1/,
  );
  assertThrowsWith(
    () => sap({ ...good, factors: [[0.5], [0.5], [0.5]] }, good, { continuous: true }),
    RangeError,
    /factor 0 \(train.factors\[·\]\[0\]\) is constant in the training split/,
  );
  assertThrowsWith(
    () => sap(good, good, { continuous: "yes" as unknown as boolean }),
    TypeError,
    /options.continuous must be a boolean/,
  );
  assertThrowsWith(
    () => sap(null as unknown as typeof good, good),
    TypeError,
    /train must be an object \{ codes, factors \}/,
  );
});
