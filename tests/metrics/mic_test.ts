import assert from "node:assert/strict";
import { mic } from "../../metrics/mic.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { codes, factors, reference } from "./_reference.ts";

Deno.test("mic: hand-worked concentration on a 2×2 design", () => {
  // 8 samples: code 0 copies factor 0; code 1 agrees with factor 0 on 6 of 8.
  const f = [[0, 0], [0, 1], [0, 0], [0, 1], [1, 0], [1, 1], [1, 0], [1, 1]];
  const c = [[0, 0], [0, 0], [0, 0], [0, 1], [1, 1], [1, 1], [1, 1], [1, 0]];
  // I(code0; f0) = log 2; I(code1; f0): table [[3,1],[1,3]] → ¾ log 1.5 + ¼ log 0.5
  const i10 = 0.75 * Math.log(1.5) + 0.25 * Math.log(0.5);
  // I(code0; f1) = 0 (independent); I(code1; f1): table [[2,2],[2,2]] → 0
  const h = Math.log(2);
  const both = mic(c, f, { subset: [0, 1] });
  assertClose(both.perFactor, [(h + i10) / h, 0], { atol: 1e-15 });
  const first = mic(c, f, { subset: [0] });
  assertClose(first.perFactor, [(h - i10) / h, 0], { atol: 1e-15 });
  const second = mic(c, f, { subset: [1] });
  assertClose(second.perFactor, [(i10 - h) / h, 0], { atol: 1e-15 });
  const none = mic(c, f, { subset: [] });
  assertClose(none.perFactor, [-(h + i10) / h, 0], { atol: 1e-15 });
  assert.deepEqual(first.subset, [0]);
  assert.equal(first.bins, 20);
  assert.equal(first.samples, 8);
});

Deno.test("mic: matches the reference MI matrix; S and its complement are opposite", () => {
  const s = [0, 2];
  const r = mic(codes, factors, { subset: s });
  const m = reference.mi;
  for (let k = 0; k < 3; k++) {
    const expected = (m[0][k] + m[2][k] - m[1][k] - m[3][k]) / reference.h[k];
    assertClose(r.perFactor[k], expected, { atol: 1e-13 });
  }
  const complement = mic(codes, factors, { subset: [3, 1] });
  assertClose(complement.perFactor, r.perFactor.map((v) => -v), { atol: 1e-13 });
});

Deno.test("mic: bad subsets and inputs name the argument", () => {
  assertThrowsWith(
    () => mic(codes, factors, { subset: [4] }),
    RangeError,
    /subset\[0\] must be in \[0, 3\], got 4/,
  );
  assertThrowsWith(() => mic(codes, factors, { subset: [-1] }), RangeError, /subset\[0\]/);
  assertThrowsWith(
    () => mic(codes, factors, { subset: [0.5] }),
    TypeError,
    /subset\[0\] must be an integer/,
  );
  assertThrowsWith(
    () => mic(codes, factors, { subset: [1, 2, 1] }),
    RangeError,
    /code index 1 twice/,
  );
  assertThrowsWith(
    () => mic(codes, factors, { subset: null as unknown as number[] }),
    TypeError,
    /subset must be an array/,
  );
  assertThrowsWith(
    () => mic(codes, factors, undefined as unknown as { subset: number[] }),
    TypeError,
    /subset must be an array of code indices, got undefined/,
  );
  assertThrowsWith(
    () => mic(codes, factors.slice(1), { subset: [0] }),
    RangeError,
    /300 rows but factors has 299/,
  );
  assertThrowsWith(() => mic(codes, factors, { subset: [0], bins: 0 }), RangeError, /bins/);
  assertThrowsWith(
    () => mic(codes, factors.map(([a, b]) => [a, b, 2]), { subset: [0] }),
    RangeError,
    /Cannot compute MIC: factor 2 .*single value 2/,
  );
});
