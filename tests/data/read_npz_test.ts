import assert from "node:assert/strict";
import { loadNpz, readNpz, writeNpz } from "@disentangle/vae/data";
import { assertRejectsWith } from "../_helpers/assert.ts";

const numpyDir = new URL("../fixtures/numpy/", import.meta.url);
const ownDir = new URL("./fixtures/", import.meta.url);
const expected = JSON.parse(await Deno.readTextFile(new URL("expected.json", numpyDir)));
const ownExpected = JSON.parse(await Deno.readTextFile(new URL("expected.json", ownDir)));
const path = (dir: URL, name: string) => new URL(name, dir).pathname;

/** Expected values with JSON's nulls put back as the infinities the note lists. */
function values(list: (number | null)[], infinities: number[] = []): number[] {
  let k = 0;
  return list.map((v) => (v === null ? infinities[k++] : v));
}

Deno.test("loadNpz reads every array of numpy's uncompressed arrays.npz", async () => {
  const { arrays, skipped } = await loadNpz(path(numpyDir, "arrays.npz"));
  assert.deepEqual(skipped, {});
  const want = expected["arrays.npz"];
  const names = Object.keys(want).filter((k) => k !== "_note");
  assert.deepEqual(Object.keys(arrays).sort(), [...names].sort());
  for (const name of names) {
    const a = arrays[name];
    assert.equal(a.dtype, want[name].dtype, name);
    assert.deepEqual(a.shape, want[name].shape, name);
    assert.equal(a.fortranOrder, want[name].fortran_order, name);
    const inf = name === "f64_1d" ? [Infinity, -Infinity] : [];
    assert.deepEqual(Array.from(a.data), values(want[name].values_c_order, inf), name);
  }
  assert.ok(arrays.f32_2d.data instanceof Float32Array);
  assert.ok(arrays.i32_3d.data instanceof Int32Array);
  assert.ok(arrays.bool_1d.data instanceof Uint8Array);
  assert.ok(arrays.be_f8.data instanceof Float64Array); // big endian, converted
  assert.ok(arrays.scalar_i64.data instanceof Float64Array); // int64 as checked numbers
});

Deno.test("loadNpz reads the compressed tiny dSprites and skips its pickled metadata", async () => {
  const { arrays, skipped } = await loadNpz(path(numpyDir, "tiny_dsprites.npz"));
  const want = expected["tiny_dsprites.npz"];
  assert.deepEqual(arrays.imgs.shape, want.imgs.shape);
  assert.equal(arrays.imgs.dtype, "|u1");
  assert.equal(Array.from(arrays.imgs.data).reduce((s, v) => s + v, 0), want.imgs.sum);
  assert.deepEqual(arrays.latents_classes.shape, [12, 6]);
  assert.deepEqual(Array.from(arrays.latents_classes.data), want.latents_classes.values.flat());
  assert.deepEqual(arrays.latents_values.shape, [12, 6]);
  assert.equal(arrays.metadata, undefined);
  assert.match(skipped.metadata, /object array.*pickled Python objects/);
});

Deno.test("readNpz reads every integer width, both byte orders, float16 and Fortran 3-d", async () => {
  const bytes = await Deno.readFile(new URL("dtypes.npz", ownDir));
  const { arrays, skipped } = await readNpz(bytes, {
    keys: ["i1", "u2_be", "i2_le", "i4_be", "u4_le", "i8_safe_be", "f2", "f4_be", "fortran_3d"],
  });
  const want = ownExpected["dtypes.npz"];
  for (const name of ["i1", "u2_be", "i2_le", "i4_be", "u4_le", "i8_safe_be", "fortran_3d"]) {
    assert.equal(arrays[name].dtype, want[name].dtype, name);
    assert.deepEqual(Array.from(arrays[name].data), want[name].values_c_order, name);
  }
  assert.ok(arrays.u2_be.data instanceof Uint16Array);
  assert.ok(arrays.i4_be.data instanceof Int32Array);
  assert.deepEqual(Array.from(arrays.f2.data), [1, -0.5, 65504, Infinity, 2 ** -14]);
  assert.ok(arrays.f2.data instanceof Float32Array);
  assert.deepEqual(Array.from(arrays.f4_be.data), [1, -Infinity, 0.125]);
  assert.deepEqual(arrays.fortran_3d.shape, [2, 3, 4]);
  assert.equal(arrays.fortran_3d.fortranOrder, true);
  assert.match(skipped.strings, /not requested/);
});

Deno.test("readNpz returns int64 past 2^53 as bigints, or refuses to round them", async () => {
  const bytes = await Deno.readFile(new URL("dtypes.npz", ownDir));
  const big = await readNpz(bytes, { keys: ["i8_big", "u8_big"], int64: "bigint" });
  assert.ok(big.arrays.i8_big.data instanceof BigInt64Array);
  assert.deepEqual(Array.from(big.arrays.i8_big.data), [2n ** 62n, -(2n ** 63n), 1n]);
  assert.ok(big.arrays.u8_big.data instanceof BigUint64Array);
  assert.deepEqual(Array.from(big.arrays.u8_big.data), [2n ** 64n - 1n, 0n, 2n ** 53n]);
  await assertRejectsWith(
    () => readNpz(bytes, { keys: ["i8_big"], name: "dtypes.npz" }),
    RangeError,
    /Cannot read dtypes\.npz \(member i8_big\.npy\): 64-bit integer 4611686018427387904 at flat index 0 is not a safe number; read it with \{ int64: "bigint" \}/,
  );
});

Deno.test("readNpz skips strings, records and objects with a note", async () => {
  const bytes = await Deno.readFile(new URL("dtypes.npz", ownDir));
  const { arrays, skipped } = await readNpz(bytes, { int64: "bigint" });
  assert.deepEqual(Object.keys(skipped).sort(), ["objects", "records", "strings"]);
  assert.match(skipped.strings, /unsupported dtype <U3/);
  assert.match(skipped.records, /structured dtype/);
  assert.match(skipped.objects, /object array/);
  assert.equal(Object.keys(arrays).length, 11);
});

Deno.test("readNpz reads an archive with zip64 records", async () => {
  const { arrays } = await loadNpz(path(ownDir, "zip64.npz"));
  assert.deepEqual(Array.from(arrays.a.data), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(Array.from(arrays.b.data), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
});

Deno.test("writeNpz archives read back, stored and deflated", async () => {
  const input = {
    x: { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
    n: { shape: [], data: new BigInt64Array([-3n]) },
  };
  for (const compress of [false, true]) {
    const bytes = await writeNpz(input, { compress });
    const { arrays } = await readNpz(bytes, { int64: "bigint" });
    assert.deepEqual(Array.from(arrays.x.data as Float32Array), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(arrays.x.shape, [2, 3]);
    assert.deepEqual(Array.from(arrays.n.data as BigInt64Array), [-3n]);
  }
  const big = { z: { shape: [100000], data: new Float64Array(100000) } };
  const stored = await writeNpz(big);
  const deflated = await writeNpz(big, { compress: true });
  assert.ok(deflated.length < stored.length / 50, `${deflated.length} vs ${stored.length}`);
});

Deno.test("loadNpz errors name the path: missing, truncated, not a zip, corrupt", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assertRejectsWith(
      () => loadNpz(`${dir}/absent.npz`),
      Error,
      new RegExp(`Cannot read ${dir}/absent\\.npz: no such file`),
    );
    await assertRejectsWith(
      () => loadNpz(dir),
      Error,
      new RegExp(`Cannot read ${dir}: it is a directory`),
    );
    const whole = await Deno.readFile(new URL("tiny_dsprites.npz", numpyDir));
    await Deno.writeFile(`${dir}/cut.npz`, whole.subarray(0, 900));
    await assertRejectsWith(
      () => loadNpz(`${dir}/cut.npz`),
      Error,
      /Cannot read .*cut\.npz: truncated zip archive/,
    );
    await Deno.writeTextFile(`${dir}/text.npz`, "just some text, not a zip archive at all");
    await assertRejectsWith(
      () => loadNpz(`${dir}/text.npz`),
      Error,
      /Cannot read .*text\.npz: not a zip archive \(\.npz\)/,
    );
    await Deno.writeFile(`${dir}/empty.npz`, new Uint8Array(0));
    await assertRejectsWith(
      () => loadNpz(`${dir}/empty.npz`),
      Error,
      /Cannot read .*empty\.npz: the file is empty/,
    );
    await Deno.copyFile(new URL("f32_2d.npy", numpyDir), `${dir}/a.npz`);
    await assertRejectsWith(
      () => loadNpz(`${dir}/a.npz`),
      Error,
      /Cannot read .*a\.npz: this is a \.npy file, not a zip archive/,
    );
    // Flip a byte inside the deflated imgs member: corrupt data or a CRC mismatch.
    const flipped = whole.slice();
    flipped[100] ^= 0xff;
    await Deno.writeFile(`${dir}/flip.npz`, flipped);
    await assertRejectsWith(
      () => loadNpz(`${dir}/flip.npz`),
      Error,
      /Cannot read .*flip\.npz \(member imgs\.npy\): (corrupt|truncated)/,
    );
    // A stored member whose bytes changed is caught by its CRC-32.
    const arrays = await Deno.readFile(new URL("arrays.npz", numpyDir));
    const changed = arrays.slice();
    changed[200] ^= 1;
    await Deno.writeFile(`${dir}/crc.npz`, changed);
    await assertRejectsWith(
      () => loadNpz(`${dir}/crc.npz`),
      Error,
      /Cannot read .*crc\.npz \(member f32_2d\.npy\): corrupt zip member: CRC-32 mismatch/,
    );
    await assertRejectsWith(
      () => loadNpz(`${dir}/crc.npz`, { keys: ["nope"] }),
      Error,
      /no array "nope" in the archive/,
    );
    await assertRejectsWith(
      () => loadNpz("" as string),
      TypeError,
      /Cannot read npz: path must be a non-empty string/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
