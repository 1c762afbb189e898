// The page's pure functions, on hand-worked values.
import assert from "node:assert/strict";
import { assertClose } from "../_helpers/assert.ts";
import {
  chartSvg,
  dimensionOrder,
  escapeHtml,
  formatNumber,
  linspace,
  logSeries,
  maxAbsDifference,
  niceTicks,
  sliderRanges,
  toRgba,
} from "../../experiments/_explore/page/explorer_core.js";

Deno.test("dimensionOrder: klOrder if it is a permutation, else by KL, else identity", () => {
  assert.deepEqual(dimensionOrder(3, [2, 0, 1], null), [2, 0, 1]);
  assert.deepEqual(dimensionOrder(3, [2, 2, 1], [0.1, 0.3, 0.2]), [1, 2, 0]);
  assert.deepEqual(dimensionOrder(3, null, [0.1, 0.1, 0.2]), [2, 0, 1]); // ties by index
  assert.deepEqual(dimensionOrder(3, [0, 1], [0.1, NaN, 0.2]), [0, 1, 2]);
  assert.deepEqual(dimensionOrder(2, undefined, undefined), [0, 1]);
});

Deno.test("linspace and sliderRanges", () => {
  assert.deepEqual(linspace(-3, 3, 5), [-3, -1.5, 0, 1.5, 3]);
  assert.deepEqual(linspace(1, 2, 1), [1.5]);
  // At least ±3; beyond, half-units past the data's μ (plus a quarter margin).
  assert.deepEqual(sliderRanges(2, [[0.1, -4.2], [3.9, 0]]), [[-3, 4.5], [-4.5, 3]]);
  assert.deepEqual(sliderRanges(1, []), [[-3, 3]]);
  assert.deepEqual(sliderRanges(1, [[NaN]]), [[-3, 3]]);
});

Deno.test("toRgba rounds [0, 1] to bytes, clamps, and spreads grey over R, G and B", () => {
  assert.deepEqual(
    Array.from(toRgba([0, 0.5, 1, 2], 2, 2, 1)),
    [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255, 255],
  );
  assert.deepEqual(
    Array.from(toRgba([9, 1, 0, 0, 0, 1, -1], 1, 2, 3, 1)),
    [255, 0, 0, 255, 0, 255, 0, 255],
  );
});

Deno.test("formatNumber and niceTicks", () => {
  assert.equal(formatNumber(0.03831685), "0.0383");
  assert.equal(formatNumber(4), "4");
  assert.equal(formatNumber(-519.33), "-519");
  assert.equal(formatNumber(1e-7), "1.00e-7");
  assert.equal(formatNumber(123456.7), "1.23e+5");
  assert.equal(formatNumber(NaN), "–");
  assert.equal(formatNumber("3"), "–");
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-0.5, 10.5, 4), [0, 5, 10]);
  assert.deepEqual(niceTicks(-0.013, 0.0007, 4), [-0.01, -0.005, 0]);
  assert.deepEqual(niceTicks(3, 3), [3]);
});

Deno.test("logSeries picks one split's finite values, or one dimension of a list", () => {
  const log = [
    { step: 2, train: { loss: 5, klPerDimension: [1, 2] } },
    { step: 2, validation: { loss: 6 } },
    { step: 4, train: { loss: NaN, klPerDimension: [3, 4] } },
  ];
  assert.deepEqual(logSeries(log, "train", "loss"), [[2, 5]]);
  assert.deepEqual(logSeries(log, "validation", "loss"), [[2, 6]]);
  assert.deepEqual(logSeries(log, "train", "klPerDimension", 1), [[2, 2], [4, 4]]);
  assert.deepEqual(logSeries(log, "validation", "kl"), []);
});

Deno.test("chartSvg draws each series through its points on shared axes", () => {
  const svg = chartSvg({
    title: "loss <train>",
    series: [
      { label: "a", color: "#000", points: [[0, 0], [10, 10]] },
      { label: "b", color: "#f00", points: [[5, 4]], dashed: true },
      { label: "none", color: "#0f0", points: [] },
    ],
  });
  // Plot box x 46..286, y 20..136; y range [0, 10] padded by 5%: [−0.5, 10.5].
  // y = 0 → 136 − 116·0.5/11 = 130.7; y = 10 → 136 − 116·10.5/11 = 25.3; y = 4 → 136 − 116·4.5/11 = 88.5.
  const paths = [...svg.matchAll(/<path class="line" d="([^"]+)" stroke="([^"]+)"/g)];
  assert.deepEqual(paths.map((m) => [m[1], m[2]]), [
    ["M46.0,130.7L286.0,25.3", "#000"],
    ["M166.0,88.5", "#f00"],
  ]);
  assert.match(svg, /stroke-dasharray="4 3"/);
  assert.match(svg, /<title>b at step 5: 4<\/title>/);
  assert.ok(svg.includes("loss &lt;train&gt;"));
  assert.ok(!svg.includes(">none<"), "a series without points gets no legend");
  // Integer steps get integer ticks only.
  const xTicks = [...svg.matchAll(/y="148" text-anchor="middle">([^<]+)</g)].map((m) => m[1]);
  assert.deepEqual(xTicks, ["0", "5", "10"]);
  assert.match(chartSvg({ title: "kl", series: [] }), />no data</);
});

Deno.test("escapeHtml and maxAbsDifference", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
  assertClose(maxAbsDifference([[1, 2], [3, 4]], [[1, 2.5], [2, 4]]), 1);
  assert.equal(maxAbsDifference([], []), 0);
});
