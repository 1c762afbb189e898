import assert from "node:assert/strict";
import { readNpy, writeNpy } from "@disentangle/vae/data";
import { assertThrowsWith } from "../_helpers/assert.ts";

const numpyDir = new URL("../fixtures/numpy/", import.meta.url);
const ownDir = new URL("./fixtures/", import.meta.url);
const expected = JSON.parse(await Deno.readTextFile(new URL("expected.json", numpyDir)));
const ownExpected = JSON.parse(await Deno.readTextFile(new URL("expected.json", ownDir)));

Deno.test("readNpy reads numpy's own single-array files", async () => {
  const f32 = readNpy(await Deno.readFile(new URL("f32_2d.npy", numpyDir)));
  assert.equal(f32.dtype, "<f4");
  assert.deepEqual(f32.shape, [3, 4]);
  assert.equal(f32.fortranOrder, false);
  assert.ok(f32.data instanceof Float32Array);
  // float32 values written to JSON as their exact float64 widening.
  assert.deepEqual(Array.from(f32.data), expected["arrays.npz"].f32_2d.values_c_order);

  const u8 = readNpy(await Deno.readFile(new URL("u8_2d.npy", numpyDir)));
  assert.equal(u8.dtype, "|u1");
  assert.ok(u8.data instanceof Uint8Array);
  assert.deepEqual(Array.from(u8.data), Array.from({ length: 12 }, (_, i) => i));
});

Deno.test("readNpy reorders a Fortran-order file into C order", async () => {
  const a = readNpy(await Deno.readFile(new URL("fortran_f32.npy", numpyDir)));
  assert.equal(a.fortranOrder, true);
  assert.deepEqual(a.shape, [2, 3]);
  assert.deepEqual(Array.from(a.data), [0, 1, 2, 3, 4, 5]);
  // The raw bytes are column-major: 0, 3, 1, 4, 2, 5.
  const raw = await Deno.readFile(new URL("fortran_f32.npy", numpyDir));
  const stored = new Float32Array(raw.slice(raw.length - 24).buffer);
  assert.deepEqual(Array.from(stored), [0, 3, 1, 4, 2, 5]);
});

Deno.test("readNpy reads format versions 2.0 and 3.0", async () => {
  const v2 = readNpy(await Deno.readFile(new URL("v2_f8.npy", ownDir)));
  assert.deepEqual(v2.shape, [2, 2]);
  assert.deepEqual(Array.from(v2.data), ownExpected["v2_f8.npy"].values_c_order);
  const v3 = readNpy(await Deno.readFile(new URL("v3_i2.npy", ownDir)));
  assert.ok(v3.data instanceof Int16Array);
  assert.deepEqual(Array.from(v3.data), [-7, 8, 300]);
});

Deno.test("readNpy round-trips every typed array through writeNpy, 0-d and empty too", () => {
  const cases = [
    new Uint8Array([0, 255]),
    new Int8Array([-128, 127]),
    new Int16Array([-32768, 32767]),
    new Uint16Array([0, 65535]),
    new Int32Array([-(2 ** 31), 2 ** 31 - 1]),
    new Uint32Array([0, 2 ** 32 - 1]),
    new Float32Array([0.1, -Infinity]),
    new Float64Array([1e-300, NaN]),
  ];
  for (const data of cases) {
    const back = readNpy(writeNpy({ shape: [2], data }));
    assert.equal(back.data.constructor, data.constructor);
    assert.deepEqual(Array.from(back.data), Array.from(data));
  }
  const big = readNpy(writeNpy({ shape: [1], data: new BigInt64Array([-(2n ** 63n)]) }), {
    int64: "bigint",
  });
  assert.ok(big.data instanceof BigInt64Array);
  assert.deepEqual(Array.from(big.data), [-(2n ** 63n)]);
  const scalar = readNpy(writeNpy({ shape: [], data: new Float64Array([3]) }));
  assert.deepEqual(scalar.shape, []);
  assert.deepEqual(Array.from(scalar.data), [3]);
  const empty = readNpy(writeNpy({ shape: [0, 4], data: new Float32Array(0) }));
  assert.deepEqual(empty.shape, [0, 4]);
  assert.equal(empty.data.length, 0);
});

Deno.test("readNpy gives clear errors for bad input", async () => {
  assertThrowsWith(
    () => readNpy("x" as unknown as Uint8Array),
    TypeError,
    /Cannot read npy data: bytes must be a Uint8Array, got string/,
  );
  assertThrowsWith(
    () => readNpy(new Uint8Array(0), { name: "a.npy" }),
    Error,
    /Cannot read a\.npy: the file is empty/,
  );
  assertThrowsWith(
    () => readNpy(new TextEncoder().encode("hello world, not numpy"), { name: "b.npy" }),
    Error,
    /Cannot read b\.npy: not a \.npy file/,
  );
  const whole = await Deno.readFile(new URL("f32_2d.npy", numpyDir));
  assertThrowsWith(
    () => readNpy(whole.subarray(0, whole.length - 5), { name: "c.npy" }),
    Error,
    /Cannot read c\.npy: truncated: shape \[3,4\] of <f4 needs 48 data bytes, the file has 43/,
  );
  assertThrowsWith(
    () => readNpy(whole.subarray(0, 60), { name: "d.npy" }),
    Error,
    /Cannot read d\.npy: truncated: the header needs 128 bytes/,
  );
  const zip = await Deno.readFile(new URL("arrays.npz", numpyDir));
  assertThrowsWith(
    () => readNpy(zip, { name: "e.npz" }),
    Error,
    /Cannot read e\.npz: this is a zip archive/,
  );
  assertThrowsWith(
    () => readNpy(whole, { int64: "float" as "number" }),
    RangeError,
    /options\.int64 must be "number" or "bigint", got float/,
  );
  // A version this reader does not know.
  const v9 = whole.slice();
  v9[6] = 9;
  assertThrowsWith(
    () => readNpy(v9, { name: "f.npy" }),
    Error,
    /Cannot read f\.npy: unsupported \.npy format version 9\.0/,
  );
  // A header that is not a dict literal.
  const bad = whole.slice();
  bad.set(new TextEncoder().encode("{'descr' '<f4'"), 10);
  assertThrowsWith(
    () => readNpy(bad, { name: "g.npy" }),
    Error,
    /Cannot read g\.npy: bad \.npy header/,
  );
});

Deno.test("writeNpy rejects what it cannot write", () => {
  assertThrowsWith(
    () => writeNpy({ shape: [2], data: [1, 2] as unknown as Float32Array }),
    TypeError,
    /array\.data must be a numeric typed array, got Array/,
  );
  assertThrowsWith(
    () => writeNpy({ shape: [3], data: new Float32Array(2) }),
    RangeError,
    /shape \[3\] holds 3 values but data has 2/,
  );
  assertThrowsWith(
    () => writeNpy({ shape: [-1], data: new Float32Array(0) }),
    TypeError,
    /array\.shape must be an array of sizes, got \[-1\]/,
  );
});
