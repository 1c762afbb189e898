import assert from "node:assert/strict";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { modularityFromMutualInfo } from "../../metrics/modularity_from_mutual_info.ts";
import { modularity } from "../../metrics/modularity.ts";
import { codes, factors } from "./_reference.ts";

Deno.test("modularityFromMutualInfo: hand-worked rows", () => {
  // [3, 4]: θ = 16, Σ = 25, δ = 9/16 → 7/16. [1, 1, 1] would be δ = 1 → 0 (K = 3 below).
  assertClose(modularityFromMutualInfo([[3, 4]]).perCode, [7 / 16], { atol: 1e-15 });
  const r = modularityFromMutualInfo([[1, 1, 1], [0, 2, 0], [1, 0, 1]]);
  // Row 2: θ = 1, Σ = 2, δ = 1/(1·2) = ½ → ½.
  assertClose(r.perCode, [0, 1, 0.5], { atol: 1e-15 });
  assertClose(r.score, 0.5, { atol: 1e-15 });
});

Deno.test("modularityFromMutualInfo: identity, entangled and duplicated-code matrices", () => {
  assert.deepEqual(modularityFromMutualInfo([[1, 0], [0, 1]]), { score: 1, perCode: [1, 1] });
  assert.deepEqual(modularityFromMutualInfo([[1, 1], [1, 1]]), { score: 0, perCode: [0, 0] });
  // Duplicated code: both copies are modular.
  assert.deepEqual(modularityFromMutualInfo([[1, 0], [1, 0], [0, 1]]).score, 1);
  // A dead code scores 0 and the units do not matter.
  assert.deepEqual(modularityFromMutualInfo([[0, 0], [2, 0]]).perCode, [0, 1]);
});

Deno.test("modularityFromMutualInfo: equals modularity on its own MI matrix", () => {
  const full = modularity(codes, factors);
  assert.deepEqual(modularityFromMutualInfo(full.mutualInfo), {
    score: full.score,
    perCode: full.perCode,
  });
});

Deno.test("modularityFromMutualInfo: bad input names the argument", () => {
  const f = modularityFromMutualInfo as (x: unknown) => unknown;
  assertThrowsWith(() => f("x"), TypeError, /mi must be an array of rows, got string x/);
  assertThrowsWith(() => f([[1]]), TypeError, /mi needs at least 2 columns, got 1/);
  assertThrowsWith(() => f([[1, 2], [1, 2, 3]]), TypeError, /mi is ragged/);
  assertThrowsWith(
    () => f([[1, -1]]),
    RangeError,
    /mi\[0\]\[1\] must be a finite number ≥ 0, got -1/,
  );
  assertThrowsWith(() => f([[1, NaN]]), RangeError, /mi\[0\]\[1\] .* got NaN/);
});
