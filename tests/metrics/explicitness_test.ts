import assert from "node:assert/strict";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { explicitness } from "../../metrics/explicitness.ts";
import { metricRng } from "../../metrics/_rng.ts";

type Rng = ReturnType<typeof metricRng>;

function split(
  n: number,
  sizes: number[],
  seed: number,
  code: (f: number[], rng: Rng) => number[],
) {
  const rng = metricRng(seed);
  const factors = Array.from({ length: n }, () => sizes.map((s) => rng.int(s)));
  return { codes: factors.map((f) => code(f, rng)), factors };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

Deno.test("explicitness: identity codes of independent factors are explicit (AUC ≈ 1)", () => {
  const sizes = [2, 3, 4];
  const code = (f: number[], rng: Rng) => f.map((v) => v + 0.05 * rng.normal());
  const r = explicitness(split(400, sizes, 1, code), split(200, sizes, 2, code));
  assert.equal(r.perFactor.length, 3);
  assert.ok(r.score > 0.97, `score ${r.score}`);
  assert.ok(r.scoreTrain > 0.97);
  assertClose(r.score, r.perFactor.reduce((a, b) => a + b, 0) / 3, { atol: 1e-12 });
  assert.equal(r.c, 1);
  assert.equal(r.numTrain, 400);
  assert.equal(r.numTest, 200);
});

Deno.test("explicitness: a noisy binary factor has the analytic AUC Φ(Δ / (σ√2))", () => {
  // Code = factor + N(0, 1): the probability is monotone in the code, so the
  // AUC is P(z₁ > z₀) = Φ(1/√2) ≈ 0.760, whatever the fitted weights.
  const code = (f: number[], rng: Rng) => [f[0] + rng.normal()];
  const r = explicitness(split(1000, [2], 3, code), split(4000, [2], 4, code));
  assertClose(r.score, phi(1 / Math.SQRT2), { atol: 0.02 });
});

Deno.test("explicitness: constant codes carry no information (AUC = ½)", () => {
  const code = () => [0, 0];
  const r = explicitness(split(200, [3, 2], 5, code), split(100, [3, 2], 6, code));
  for (const v of [...r.perFactor, ...r.perFactorTrain]) assertClose(v, 0.5, { atol: 1e-12 });
});

Deno.test("explicitness: classes missing from a split are left out of its average", () => {
  const code = (f: number[], rng: Rng) => [f[0] + 0.05 * rng.normal()];
  const train = split(200, [3], 7, code);
  // The test split holds only classes 0 and 1; class 2 has no positive row there.
  const test = { codes: [[0.01], [1.02], [0.03], [0.98]], factors: [[0], [1], [0], [1]] };
  const r = explicitness(train, test);
  assert.ok(Number.isFinite(r.score) && r.score > 0.9, `score ${r.score}`);
  assertThrowsWith(
    () => explicitness(train, { codes: [[0], [0.1]], factors: [[0], [0]] }),
    RangeError,
    /factor 0 \(train.factors\[·\]\[0\]\) has no class with both positive and negative rows in the test split/,
  );
});

Deno.test("explicitness: bad input is rejected with a message naming the argument", () => {
  const good = { codes: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.1]], factors: [[0], [1], [0]] };
  assertThrowsWith(
    () => explicitness({ codes: [[1, 2], [3]], factors: [[0], [1]] }, good),
    TypeError,
    /Cannot compute explicitness: train.codes is ragged/,
  );
  assertThrowsWith(
    () => explicitness(good, { codes: good.codes, factors: [[0], [1]] }),
    RangeError,
    /test.codes has 3 rows but test.factors has 2/,
  );
  assertThrowsWith(
    () => explicitness({ ...good, codes: [[0, 1], [1, -Infinity], [2, 2]] }, good),
    RangeError,
    /train.codes\[1\]\[1\] must be finite, got -Infinity/,
  );
  assertThrowsWith(
    () => explicitness({ codes: [[1, 2]], factors: [[1]] }, good),
    RangeError,
    /train.codes needs at least 2 rows, got 1/,
  );
  assertThrowsWith(
    () => explicitness({ ...good, factors: [[4], [4], [4]] }, good),
    RangeError,
    /factor 0 \(train.factors\[·\]\[0\]\) takes the single value 4/,
  );
});
