import assert from "node:assert/strict";
import { FEATURE_THRESHOLD, ROW, treeKernels } from "../../metrics/_tree_kernels.ts";
import { fitGradientBoosting } from "../../metrics/_gradient_boosting.ts";
import { metricRng } from "../../metrics/_rng.ts";
import { expectedSources } from "../_helpers/wat.ts";

Deno.test("tree kernels: the embedded bytes are what the .wat text compiles to", async () => {
  for (const { ts, source } of await expectedSources()) {
    const embedded = await Deno.readTextFile(new URL(`../../${ts}`, import.meta.url));
    assert.equal(embedded, source, `${ts} is stale: run \`deno task build:wasm\``);
  }
});

Deno.test("tree kernels: WebAssembly compiles here, so fits take the fast path", () => {
  assert.equal(treeKernels(1024).wasm, true);
  assert.equal(treeKernels(1024, false).wasm, false);
});

/** A sorted, tagged order of `col` as the fit builds it. */
function taggedOrder(col: Float64Array, into: Int32Array): void {
  const order = Array.from({ length: col.length }, (_, i) => i).sort((a, b) => col[a] - col[b]);
  for (let p = 0; p < order.length; p++) into[p] = order[p];
  for (let p = 0; p + 1 < into.length; p++) {
    if (col[into[p + 1] & ROW] <= col[into[p] & ROW] + FEATURE_THRESHOLD) {
      into[p] |= ~ROW;
      into[p + 1] |= ~ROW;
    }
  }
}

Deno.test("tree kernels: scan, pair scan and partition agree with JavaScript to the last bit", () => {
  const rng = metricRng(7);
  const n = 997;
  const wasm = treeKernels(64 * n * 8);
  const js = treeKernels(0, false);
  // Coarse values (many exact ties), near-ties 5e-8 apart, and continuous values.
  const makers = [
    () => Math.round(rng.next() * 20) / 4,
    () => Math.floor(rng.next() * 30) * 1e-7 * 0.5,
    () => rng.normal(),
  ];
  for (const [ma, mb] of [[0, 1], [1, 2], [2, 0], [0, 0]]) {
    const arrays = [wasm, js].map((k) => {
      const a = k.f64(n), b = k.f64(n), res = k.f64(n);
      const ra = k.i32(n), rb = k.i32(n), to = k.i32(n), tmp = k.i32(n);
      const goLeft = k.u8(n), out = k.f64(4);
      return { a, b, res, ra, rb, to, tmp, goLeft, out };
    });
    const a = Float64Array.from({ length: n }, makers[ma]);
    const b = Float64Array.from({ length: n }, makers[mb]);
    const res = Float64Array.from({ length: n }, () => rng.normal());
    const goLeft = Uint8Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
    for (const x of arrays) {
      x.a.set(a);
      x.b.set(b);
      x.res.set(res);
      x.goLeft.set(goLeft);
      taggedOrder(a, x.ra);
      taggedOrder(b, x.rb);
    }
    const [w, j] = arrays;
    for (const [st, en] of [[0, n], [13, 500], [40, 41], [100, 102], [n - 7, n]]) {
      wasm.partition(w.ra, w.to, st, en, w.goLeft, w.tmp);
      js.partition(j.ra, j.to, st, en, j.goLeft, j.tmp);
      assert.deepEqual(Array.from(w.to.subarray(st, en)), Array.from(j.to.subarray(st, en)));
      let left = st;
      for (let p = st; p < en; p++) left += goLeft[w.ra[p] & ROW];
      // Scan the sorted order itself and the two sides of the partition, whose
      // neighbours may be tagged yet further apart than the threshold.
      for (
        const [rowsW, rowsJ, s0, s1] of [
          [w.ra, j.ra, st, en],
          [w.to, j.to, st, left],
          [w.to, j.to, left, en],
        ] as const
      ) {
        if (s1 - s0 < 1) continue;
        let total = 0;
        for (let p = s0; p < s1; p++) total += res[rowsW[p] & ROW];
        const pw = wasm.scan(rowsW, w.a, w.res, s0, s1, total, w.out);
        const pj = js.scan(rowsJ, j.a, j.res, s0, s1, total, j.out);
        assert.equal(pw, pj, `scan position on [${s0}, ${s1})`);
        assert.ok(Object.is(w.out[0], j.out[0]), `scan proxy ${w.out[0]} vs ${j.out[0]}`);
        if (s1 - s0 === 1) assert.equal(pw, -1);
      }
      let total = 0;
      for (let p = st; p < en; p++) total += res[w.ra[p] & ROW];
      wasm.scanPair(w.ra, w.a, w.rb, w.b, w.res, st, en, total, w.out);
      js.scanPair(j.ra, j.a, j.rb, j.b, j.res, st, en, total, j.out);
      assert.deepEqual(Array.from(w.out), Array.from(j.out), `pair on [${st}, ${en})`);
      // The pair is the two single scans.
      assert.equal(w.out[3], js.scan(j.rb, j.b, j.res, st, en, total, j.out));
    }
    // The pair scan over partitioned rows (both features partitioned alike).
    wasm.partition(w.rb, w.tmp, 0, n, w.goLeft, w.to); // w.tmp: the partitioned rows of b
    wasm.partition(w.ra, w.to, 0, n, w.goLeft, w.rb); // w.to: of a (w.rb is scratch now)
    js.partition(j.rb, j.tmp, 0, n, j.goLeft, j.to);
    js.partition(j.ra, j.to, 0, n, j.goLeft, j.rb);
    let left = 0;
    for (let i = 0; i < n; i++) left += goLeft[i];
    let total = 0;
    for (let p = 0; p < left; p++) total += res[w.to[p] & ROW];
    wasm.scanPair(w.to, w.a, w.tmp, w.b, w.res, 0, left, total, w.out);
    js.scanPair(j.to, j.a, j.tmp, j.b, j.res, 0, left, total, j.out);
    assert.deepEqual(Array.from(w.out), Array.from(j.out), "pair on partitioned rows");
  }
});

Deno.test("tree kernels: hand-worked scans, with tagged neighbours on either side of the threshold", () => {
  for (const k of [treeKernels(1024), treeKernels(0, false)]) {
    // Sorted values 0, 0, 2e-7, 2e-7, all tagged (their 1e-7 neighbour went to
    // the other child): only the middle boundary is a threshold, 2e-7 > 1e-7.
    const col = k.f64(5), res = k.f64(5), rows = k.i32(4), out = k.f64(4);
    col.set([0, 0, 2e-7, 2e-7, 5e-8]);
    res.set([1, 1, -1, -1, 3]);
    rows.set([0 | ~ROW, 1 | ~ROW, 2 | ~ROW, 3 | ~ROW]);
    // n_L = 2, s_L = 2, total 0: diff = 4·2 − 2·0 = 8, proxy 8² / (2·2) = 16.
    assert.equal(k.scan(rows, col, res, 0, 4, 0, out), 2, `wasm: ${k.wasm}`);
    assert.equal(out[0], 16);
    k.scanPair(rows, col, rows, col, res, 0, 4, 0, out);
    assert.deepEqual(Array.from(out), [16, 2, 16, 2]);
    // 0 and 5e-8 are closer than the threshold: no boundary at all.
    rows.set([0 | ~ROW, 4 | ~ROW]);
    assert.equal(k.scan(rows, col, res, 0, 2, 4, out), -1);
    assert.equal(out[0], -Infinity);
    k.scanPair(rows, col, rows, col, res, 0, 2, 4, out);
    assert.deepEqual(Array.from(out), [-Infinity, -1, -Infinity, -1]);
  }
});

Deno.test("tree kernels: a partition keeps the order within each side", () => {
  const k = treeKernels(1024);
  const rows = k.i32(6), to = k.i32(6), tmp = k.i32(6), goLeft = k.u8(6);
  rows.set([5, 3 | ~ROW, 0, 4, 1 | ~ROW, 2]);
  goLeft.set([1, 0, 1, 1, 0, 0]); // rows 0, 2, 3 go left
  k.partition(rows, to, 1, 6, goLeft, tmp);
  assert.deepEqual(Array.from(to.subarray(1)), [3 | ~ROW, 0, 2, 4, 1 | ~ROW]);
});

Deno.test("tree kernels: a fit gives the same trees with and without WebAssembly", () => {
  const rng = metricRng(11);
  const n = 600;
  const base = Float64Array.from({ length: n }, () => rng.normal());
  const cols = [
    base,
    Float64Array.from(base, (v) => Math.round(v * 3) / 3), // coarse: ties
    Float64Array.from(base, (v) => Math.round(v * 3) / 3), // the same again: ties between features
    Float64Array.from({ length: n }, () => rng.normal()),
    new Float64Array(n).fill(1),
  ];
  for (const k of [2, 4]) {
    const y = Int32Array.from(base, (v, i) => (v > 0 ? 1 : 0) + (k > 2 ? 2 * (i % 2) : 0));
    const fast = fitGradientBoosting(cols, y, k, { seed: 3, nEstimators: 30 });
    const slow = fitGradientBoosting(cols, y, k, { seed: 3, nEstimators: 30, wasm: false });
    assert.deepEqual(fast.importances, slow.importances);
    assert.deepEqual(fast.trainPredictions, slow.trainPredictions);
    assert.deepEqual(fast.predictRaw(cols), slow.predictRaw(cols));
    assert.ok(fast.importances[0] > 0.3, `importances ${fast.importances}`);
  }
});
