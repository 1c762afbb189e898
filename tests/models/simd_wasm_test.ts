import { simdKernels } from "../../models/_simd_wasm.ts";
import assert from "node:assert/strict";

function setup(shared = false) {
  const memory = shared
    ? new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true })
    : new WebAssembly.Memory({ initial: 1 });
  const kernels = simdKernels(memory);
  assert.ok(kernels, `compiles against a ${shared ? "shared" : "plain"} memory`);
  return { heap: new Float32Array(memory.buffer), kernels };
}

Deno.test("transpose: a 4×8 matrix, dense and as a strided slice", () => {
  const { heap, kernels } = setup();
  for (let i = 0; i < 32; i++) heap[i] = i; // row-major [4, 8]: value = 8·row + col
  kernels.transpose(0, 400, 4, 8, 32, 16);
  const out = Array.from(heap.subarray(100, 132));
  assert.deepEqual(out, Array.from({ length: 32 }, (_, k) => (k % 4) * 8 + Math.floor(k / 4)));
  // The left 4×4 half only: source rows 32 bytes apart, destination rows 16.
  heap.fill(-1, 200, 216);
  kernels.transpose(0, 800, 4, 4, 32, 16);
  assert.deepEqual(Array.from(heap.subarray(200, 216)), [
    0,
    8,
    16,
    24,
    1,
    9,
    17,
    25,
    2,
    10,
    18,
    26,
    3,
    11,
    19,
    27,
  ]);
});

Deno.test("blockTranspose moves blocks of floats as units", () => {
  const { heap, kernels } = setup();
  for (let i = 0; i < 24; i++) heap[i] = i; // [2, 3] blocks of 4 floats
  kernels.blockTranspose(0, 400, 2, 3, 16);
  const block = (k: number) => [4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 3];
  assert.deepEqual(Array.from(heap.subarray(100, 124)), [0, 3, 1, 4, 2, 5].flatMap(block));
});

Deno.test("padImages writes each image with its zero border, over whatever was there", () => {
  const { heap, kernels } = setup();
  // Two images of 2 rows × 3 pixels × 1 channel: values 1…6 and 11…16.
  heap.set([1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16], 0);
  heap.fill(NaN, 100, 160); // stale floats in the destination
  // One row above, none below; one pixel left, two right: 4 rows of 6.
  kernels.padImages(0, 400, 2, 2, 12, 1, 0, 4, 8);
  const image = (a: number) =>
    [
      [0, 0, 0, 0, 0, 0],
      [0, a, a + 1, a + 2, 0, 0],
      [0, a + 3, a + 4, a + 5, 0, 0],
    ].flat();
  assert.deepEqual(Array.from(heap.subarray(100, 136)), [...image(1), ...image(11)]);
  assert.ok(Number.isNaN(heap[136]), "nothing past the last padded image is written");
  // One row of two pixels × two channels, a border on every side (1 row, 1 pixel).
  heap.set([1, -1, 2, -2], 0);
  heap.fill(NaN, 100, 130);
  kernels.padImages(0, 400, 1, 1, 16, 1, 1, 8, 8);
  const zeros = Array(8).fill(0);
  assert.deepEqual(
    Array.from(heap.subarray(100, 124)),
    [...zeros, 0, 0, 1, -1, 2, -2, 0, 0, ...zeros],
  );
  assert.ok(Number.isNaN(heap[124]));
});

Deno.test("columnSum adds the rows", () => {
  const { heap, kernels } = setup();
  heap.set([1, 2, 3, 4, 10, 20, 30, 40, 0.5, 0.25, -3, 1e6], 0);
  heap.fill(7, 100, 104); // overwritten, not accumulated into
  kernels.columnSum(0, 400, 3, 4);
  assert.deepEqual(Array.from(heap.subarray(100, 104)), [11.5, 22.25, 30, 1000044]);
});

Deno.test("adam: one update of four parameters, each operation rounded to float32", () => {
  const { heap, kernels } = setup();
  const f = Math.fround;
  const p = [1, -2, 0.5, 3],
    g = [0.1, -0.2, 0, 4],
    m = [0.01, 0.02, -0.5, 0],
    v = [0.001, 0, 0.2, 1];
  heap.set(p, 0), heap.set(g, 4), heap.set(m, 8), heap.set(v, 12);
  const [b1, c1, b2, c2] = [f(0.9), f(0.1), f(0.999), f(0.001)];
  const [d1, d2, eps, nlr] = [f(0.19), f(0.001999), f(1e-7), f(-0.01)];
  kernels.adam(16, 0, 16, 32, 48, 64, 80, 96, b1, c1, b2, c2, d1, d2, eps, nlr);
  for (let k = 0; k < 4; k++) {
    const mk = f(f(f(m[k]) * b1) + f(f(g[k]) * c1));
    const vk = f(f(f(v[k]) * b2) + f(f(f(g[k]) * f(g[k])) * c2));
    const step = f(f(f(mk / d1) / f(f(Math.sqrt(f(vk / d2))) + eps)) * nlr);
    assert.equal(heap[20 + k], mk, `m[${k}]`);
    assert.equal(heap[24 + k], vk, `v[${k}]`);
    assert.equal(heap[16 + k], f(step + f(p[k])), `p[${k}]`);
  }
});

Deno.test("no kernels (so callers fall back) without a memory", () => {
  assert.equal(simdKernels(undefined), null);
});

Deno.test("a shared memory (the threaded build's heap) gets the same kernels", () => {
  const plain = setup(false), shared = setup(true);
  assert.ok(shared.heap.buffer instanceof SharedArrayBuffer);
  for (const { heap, kernels } of [plain, shared]) {
    for (let i = 0; i < 32; i++) heap[i] = i;
    kernels.transpose(0, 400, 4, 8, 32, 16);
    kernels.columnSum(0, 800, 4, 8);
  }
  assert.deepEqual(
    Array.from(shared.heap.subarray(100, 132)),
    Array.from(plain.heap.subarray(100, 132)),
  );
  assert.deepEqual(
    Array.from(shared.heap.subarray(200, 208)),
    Array.from(plain.heap.subarray(200, 208)),
  );
  // column sums of the row-major [4, 8] matrix 8·row + col: 48 + 4·col
  assert.deepEqual(
    Array.from(shared.heap.subarray(200, 208)),
    [0, 1, 2, 3, 4, 5, 6, 7].map((c) => 48 + 4 * c),
  );
});
