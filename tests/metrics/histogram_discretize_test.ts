import assert from "node:assert/strict";
import { histogramDiscretize } from "../../metrics/histogram_discretize.ts";
import { assertThrowsWith } from "../_helpers/assert.ts";
import { column, reference } from "./_reference.ts";

const col = (rows: number[][], j = 0) => rows.map((r) => r[j]);

Deno.test("histogramDiscretize: integer edges, maximum in the last bin", () => {
  // edges 0,1,2,3 (4 dropped): a value on an edge opens that edge's bin.
  assert.deepEqual(col(histogramDiscretize([[0], [1], [2], [3], [4]], { bins: 4 })), [
    1,
    2,
    3,
    4,
    4,
  ]);
  assert.deepEqual(
    col(histogramDiscretize([[0.99], [1.01], [2.5], [3.999]], { bins: 4 })),
    [1, 1, 3, 4], // range 0.99..3.999, width 0.75225: edges .99, 1.74225, 2.4945, 3.24675
  );
});

Deno.test("histogramDiscretize: values on float edges land where numpy puts them", () => {
  // numpy: edges are i·0.1 + 0; 3·0.1 = 0.30000000000000004 > 0.3, so 0.3 stays in
  // bin 3, while 8·0.1 = 0.8 exactly, so 0.8 opens bin 9.
  const x = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
  assert.deepEqual(
    col(histogramDiscretize(x.map((v) => [v]), { bins: 10 })),
    [1, 2, 3, 3, 5, 6, 6, 7, 9, 10, 10],
  );
});

Deno.test("histogramDiscretize: a constant column is widened by ±0.5 like numpy", () => {
  // [c − 0.5, c + 0.5] in 20 bins: c sits on edge 10, label 11; in 3 bins, bin 2.
  const rows = [[5, 0, -3.7], [5, 0, -3.7], [5, 0, -3.7]];
  const l20 = histogramDiscretize(rows, { bins: 20 });
  const l3 = histogramDiscretize(rows, { bins: 3 });
  assert.deepEqual(l20, [[11, 11, 11], [11, 11, 11], [11, 11, 11]]);
  assert.deepEqual(l3, [[2, 2, 2], [2, 2, 2], [2, 2, 2]]);
  assert.deepEqual(histogramDiscretize([[0.1], [0.1]], { bins: 7 }), [[4], [4]]);
});

Deno.test("histogramDiscretize: one bin puts everything in bin 1", () => {
  assert.deepEqual(histogramDiscretize([[1], [2], [3]], { bins: 1 }), [[1], [1], [1]]);
});

Deno.test("histogramDiscretize: matches numpy on 300 values (20 and 7 bins)", () => {
  const rows = column.map((v) => [v]);
  assert.deepEqual(col(histogramDiscretize(rows)), reference.disc20);
  assert.deepEqual(col(histogramDiscretize(rows, { bins: 7 })), reference.disc7);
});

Deno.test("histogramDiscretize: labels are in 1..bins, monotone in the value, per column", () => {
  const rows = Array.from({ length: 257 }, (_, i) => [Math.sin(i) * 1e3, i * i, -i]);
  for (const bins of [1, 2, 5, 20, 64]) {
    const labels = histogramDiscretize(rows, { bins });
    for (let j = 0; j < 3; j++) {
      const pairs = rows.map((r, i) => [r[j], labels[i][j]]).sort((a, b) => a[0] - b[0]);
      assert.equal(pairs[0][1], 1);
      assert.equal(pairs[pairs.length - 1][1], bins);
      for (let i = 1; i < pairs.length; i++) {
        assert.ok(pairs[i][1] >= pairs[i - 1][1] && pairs[i][1] <= bins);
      }
    }
  }
});

Deno.test("histogramDiscretize: bad input names the argument", () => {
  assertThrowsWith(() => histogramDiscretize([[1, 2], [3]]), TypeError, /codes is ragged/);
  assertThrowsWith(() => histogramDiscretize([[1], [NaN]]), RangeError, /codes\[1\]\[0\].*NaN/);
  assertThrowsWith(
    () => histogramDiscretize([[1], [Infinity]]),
    RangeError,
    /codes\[1\]\[0\] must be finite/,
  );
  assertThrowsWith(() => histogramDiscretize([]), RangeError, /codes needs at least 1 rows/);
  assertThrowsWith(() => histogramDiscretize([[1]], { bins: 0 }), RangeError, /bins must be ≥ 1/);
  assertThrowsWith(
    () => histogramDiscretize([[1]], { bins: 2.5 }),
    TypeError,
    /bins must be an integer/,
  );
  assertThrowsWith(
    () => histogramDiscretize("abc" as unknown as number[][]),
    TypeError,
    /codes must be an array of rows/,
  );
});

Deno.test("histogramDiscretize: a range wider than float64 throws, naming the column", () => {
  assertThrowsWith(
    () => histogramDiscretize([[0, -1e308], [1, 1e308]]),
    RangeError,
    /Cannot discretise codes: codes column 1 spans -1e\+308\.\.1e\+308/,
  );
});
