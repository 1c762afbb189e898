import assert from "node:assert/strict";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { dciFromImportance } from "../../metrics/dci_from_importance.ts";
import {
  completenessFromImportance,
  disentanglementFromImportance,
} from "../../metrics/_dci_from_importance.ts";
import { dci } from "../../metrics/dci.ts";
import { metricRng } from "../../metrics/_rng.ts";

Deno.test("dciFromImportance: hand-worked 2×2 matrix", () => {
  // R = [[2, 0], [1, 1]]. Rows: (1, 0) → D_0 ≈ 1; (½, ½) → D_1 = 0; ρ = (½, ½): D = ½.
  // Columns: (2, 1) → H₂(⅔, ⅓) = 0.918296 → C_0 = 0.081704; (0, 1) → C_1 ≈ 1;
  // ρ = (¾, ¼): C = ¾·0.081704 + ¼ = 0.311278.
  const r = dciFromImportance([[2, 0], [1, 1]]);
  const h = -(2 / 3) * Math.log2(2 / 3) - (1 / 3) * Math.log2(1 / 3);
  assertClose(r.perCode, [1, 0], { atol: 1e-9 });
  assertClose(r.codeWeights, [0.5, 0.5], { atol: 1e-15 });
  assertClose(r.perFactor, [1 - h, 1], { atol: 1e-9 });
  assertClose(r.factorWeights, [0.75, 0.25], { atol: 1e-15 });
  assertClose(r.disentanglement, 0.5, { atol: 1e-9 });
  assertClose(r.completeness, 0.75 * (1 - h) + 0.25, { atol: 1e-9 });
});

Deno.test("dciFromImportance: identity, entangled and duplicated-code matrices", () => {
  const identity = dciFromImportance([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  assertClose(identity.disentanglement, 1, { atol: 1e-9 });
  assertClose(identity.completeness, 1, { atol: 1e-9 });
  // Every code equally important for every factor: both entropies are maximal.
  const entangled = dciFromImportance([[1, 1, 1], [1, 1, 1], [1, 1, 1]]);
  assertClose(entangled.disentanglement, 0, { atol: 1e-12 });
  assertClose(entangled.completeness, 0, { atol: 1e-12 });
  // Factor 0 spread over two duplicated codes: those codes are still
  // disentangled (D = 1), but factor 0 is incomplete: C_0 = 1 − log 2 / log 3.
  const dup = dciFromImportance([[0.5, 0], [0.5, 0], [0, 1]]);
  assertClose(dup.disentanglement, 1, { atol: 1e-9 });
  assertClose(dup.perFactor[0], 1 - Math.log(2) / Math.log(3), { atol: 1e-9 });
  assertClose(dup.completeness, 0.5 * (1 - Math.log(2) / Math.log(3)) + 0.5, { atol: 1e-9 });
  // One code, or one factor: nothing to spread over.
  assert.equal(dciFromImportance([[1, 1]]).completeness, 1);
  assert.equal(dciFromImportance([[1], [1]]).disentanglement, 1);
  // All zeros: uniform weights, uniform rows → 0.
  const zero = dciFromImportance([[0, 0], [0, 0]]);
  assert.deepEqual(zero.codeWeights, [0.5, 0.5]);
  assertClose(zero.disentanglement, 0, { atol: 1e-12 });
});

Deno.test("dciFromImportance: equals the private step and dci's own result", () => {
  const rng = metricRng(5);
  for (let t = 0; t < 10; t++) {
    const d = 1 + rng.int(6), k = 1 + rng.int(5);
    const m = Array.from({ length: d }, () => Array.from({ length: k }, () => rng.next()));
    const r = dciFromImportance(m);
    assert.equal(r.disentanglement, disentanglementFromImportance(m));
    assert.equal(r.completeness, completenessFromImportance(m));
  }
  const factors = Array.from({ length: 90 }, (_, i) => [i % 3, Math.floor(i / 3) % 3]);
  const codes = factors.map(([a, b], i) => [a + 0.01 * (i % 7), b, (i * 13) % 5]);
  const full = dci({ codes, factors }, { codes, factors });
  const pure = dciFromImportance(full.importance);
  assert.equal(pure.disentanglement, full.disentanglement);
  assert.equal(pure.completeness, full.completeness);
});

Deno.test("dciFromImportance: bad input names the argument", () => {
  const f = dciFromImportance as (x: unknown) => unknown;
  assertThrowsWith(() => f(null), TypeError, /importance must be an array of rows, got null/);
  assertThrowsWith(() => f([]), TypeError, /importance needs at least 1 rows, got 0/);
  assertThrowsWith(() => f([[]]), TypeError, /importance needs at least 1 columns, got 0/);
  assertThrowsWith(
    () => f([[1, 2], [3]]),
    TypeError,
    /importance is ragged: row 0 has 2 values but row 1 has 1/,
  );
  assertThrowsWith(
    () => f([[1, "2"]]),
    TypeError,
    /importance\[0\]\[1\] must be a number, got string 2/,
  );
  assertThrowsWith(
    () => f([[1, -0.5]]),
    RangeError,
    /importance\[0\]\[1\] must be a finite number ≥ 0, got -0.5/,
  );
  assertThrowsWith(
    () => f([[NaN]]),
    RangeError,
    /importance\[0\]\[0\] must be a finite number ≥ 0, got NaN/,
  );
  assertThrowsWith(() => f([[Infinity]]), RangeError, /got Infinity/);
  assertThrowsWith(() => f([5]), TypeError, /importance\[0\] must be an array of numbers/);
});
