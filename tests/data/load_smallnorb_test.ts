import assert from "node:assert/strict";
import { join } from "node:path";
import { createRng, loadSmallNorb, readNorbMatrix } from "@disentangle/vae/data";
import { assertClose } from "../_helpers/assert.ts";
import { norbMatrix, SHARED_DATASETS, sharedFixturesPresent } from "../_helpers/norb_mat.ts";

const PREFIX = "smallnorb-5x46789x9x18x6x2x96x96";

/** Rows: [category, instance, elevation, azimuth (stored), lighting] and a 96×96 left image maker. */
interface Row {
  cat: number;
  info: [number, number, number, number];
  left: (r: number, c: number) => number;
}

/** Writes the three files of `split` into `folder`; the right image is always 7. */
async function writeSplit(folder: string, split: string, rows: Row[], side = 96) {
  const n = rows.length;
  const dat = new Uint8Array(n * 2 * side * side).fill(7);
  rows.forEach((row, i) => {
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) dat[i * 2 * side * side + r * side + c] = row.left(r, c);
    }
  });
  const base = join(folder, `${PREFIX}-${split}-`);
  await Deno.writeFile(base + "dat.mat", norbMatrix("u8", [n, 2, side, side], dat));
  await Deno.writeFile(base + "cat.mat", norbMatrix("i32", [n], rows.map((r) => r.cat)));
  await Deno.writeFile(base + "info.mat", norbMatrix("i32", [n, 4], rows.flatMap((r) => r.info)));
}

const flat = (v: number) => () => v;

async function withFolder(fn: (folder: string) => Promise<void>) {
  const folder = await Deno.makeTempDir();
  try {
    await fn(folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

async function rejects(folder: string, pattern: RegExp) {
  await assert.rejects(() => loadSmallNorb(folder), (e: Error) => {
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes("\n"), `one line: ${e.message}`);
    return true;
  });
}

Deno.test({
  name: "SmallNORB: the shared fixture files read with their labels, shapes and pixel sums",
  ignore: !sharedFixturesPresent(),
  async fn() {
    const expected = JSON.parse(
      await Deno.readTextFile(`${SHARED_DATASETS}datasets_expected.json`),
    ).smallnorb;
    for (const split of ["training", "testing"]) {
      const e = expected[split];
      const dat = readNorbMatrix(
        await Deno.readFile(`${SHARED_DATASETS}${PREFIX}-${split}-dat.mat`),
      );
      assert.equal(dat.dtype, "u8");
      assert.deepEqual(dat.shape, [e.count, 2, 96, 96]);
      const left = Array.from(dat.data.subarray(0, 96 * 96));
      assert.equal(left.reduce((s, v) => s + v, 0), e.dat_sum_row_0_left);
      const cat = readNorbMatrix(
        await Deno.readFile(`${SHARED_DATASETS}${PREFIX}-${split}-cat.mat`),
      );
      assert.deepEqual([cat.dtype, cat.shape, Array.from(cat.data)], ["i32", [e.count], e.cat]);
    }
    const norb = await loadSmallNorb(SHARED_DATASETS);
    const { training, testing } = expected;
    assert.equal(norb.size, training.count + testing.count);
    assert.deepEqual(norb.splitSizes, [training.count, testing.count]);
    assert.deepEqual(norb.factorNames, ["category", "elevation", "azimuth", "lighting"]);
    assert.deepEqual(norb.factorSizes, [5, 9, 18, 6]);
    assert.deepEqual(norb.observationShape, [64, 64, 1]);
    const all = Array.from({ length: norb.size }, (_, i) => i);
    const cats = [...training.cat, ...testing.cat];
    const infos = [...training.info, ...testing.info];
    assert.deepEqual(
      norb.factors(all),
      infos.map(([, elevation, azimuth, lighting]: number[], i: number) => [
        cats[i],
        elevation,
        azimuth / 2,
        lighting,
      ]),
    );
    assert.deepEqual(norb.instances(all), infos.map((r: number[]) => r[0]));
    // Area resizing keeps the mean: 64² pixels of the mean of 96² (± ½ of rounding each).
    for (
      const [index, sum] of [[0, training.dat_sum_row_0_left], [6, testing.dat_sum_row_0_left]]
    ) {
      const image = norb.observations([index]).data;
      const got = image.reduce((s, v) => s + v, 0) * 255;
      assertClose(got, (sum * 4096) / 9216, { atol: 2048, rtol: 0 });
    }
    // Each fixture row is the only image of its cell.
    assert.deepEqual(norb.indexOfFactors(norb.factors(all)), all);
  },
});

Deno.test("SmallNORB: the left image of each pair, resized 96 → 64 by area averaging", async () => {
  await withFolder(async (folder) => {
    await writeSplit(folder, "training", [
      // Columns 0, 255, 0, 0, 255, 0, …: every 1.5-pixel output cell covers ½ of a 255.
      { cat: 0, info: [0, 0, 0, 0], left: (_, c) => (c % 3 === 1 ? 255 : 0) },
      // Left half white: the output's left 32 columns are white.
      { cat: 1, info: [0, 0, 0, 0], left: (_, c) => (c < 48 ? 255 : 0) },
      // Top third white, at 96 rows: output rows 0..20 white, row 21 a third (1/1.5·½), rest black.
      { cat: 2, info: [0, 0, 0, 0], left: (r) => (r < 32 ? 255 : 0) },
    ]);
    await writeSplit(folder, "testing", [{ cat: 3, info: [0, 0, 0, 0], left: flat(200) }]);
    const norb = await loadSmallNorb(folder);
    // As bytes (the loader keeps bytes; observations are byte / 255 in float32).
    const [stripes, half, third, grey] = [0, 1, 2, 3].map((i) =>
      Array.from(norb.observations([i]).data, (v) => Math.round(v * 255))
    );
    assert.ok(stripes.every((v) => v === 85));
    for (let r = 0; r < 64; r++) {
      for (let c = 0; c < 64; c++) assert.equal(half[r * 64 + c], c < 32 ? 255 : 0);
    }
    assert.equal(third[20 * 64], 255);
    assert.equal(third[21 * 64], Math.round(255 / 3));
    assert.equal(third[22 * 64], 0);
    assert.ok(grey.every((v) => v === 200), "the right image (7s) is never read");
  });
});

Deno.test("SmallNORB: a cell's instances are drawn seeded; only present cells are sampled", async () => {
  await withFolder(async (folder) => {
    // Cells (category, elevation, azimuth/2, lighting): A = (1, 2, 3, 4) with instances 0, 5
    // (one in each split); B = (4, 8, 17, 5) with instance 9 only.
    await writeSplit(folder, "training", [
      { cat: 1, info: [0, 2, 6, 4], left: flat(10) },
      { cat: 4, info: [9, 8, 34, 5], left: flat(30) },
    ]);
    await writeSplit(folder, "testing", [{ cat: 1, info: [5, 2, 6, 4], left: flat(20) }]);
    const norb = await loadSmallNorb(folder);
    assert.deepEqual(norb.factors([0, 1, 2]), [[1, 2, 3, 4], [4, 8, 17, 5], [1, 2, 3, 4]]);
    assert.deepEqual(norb.indexOfFactors([[1, 2, 3, 4], [4, 8, 17, 5]]), [0, 1]);
    const draws = (seed: number) => {
      const rng = createRng(seed);
      return Array.from(
        { length: 40 },
        () => Math.round(norb.observationsFromFactors([[1, 2, 3, 4]], rng).data[0] * 255),
      );
    };
    const a = draws(5);
    assert.deepEqual(a, draws(5));
    assert.deepEqual(new Set(a), new Set([10, 20]));
    assert.equal(
      norb.observationsFromFactors([[4, 8, 17, 5]], createRng(1)).data[0],
      Math.fround(30 / 255),
    );
    const sampled = norb.sampleFactors(200, createRng(2)).map((f) => f.join());
    assert.deepEqual(new Set(sampled), new Set(["1,2,3,4", "4,8,17,5"]));
    assert.ok(sampled.filter((s) => s === "1,2,3,4").length > 70, "cells are equally likely");
    assert.throws(() => norb.indexOfFactors([[0, 0, 0, 0]]), /not in SmallNORB .*2 of the 4860/);
    assert.throws(() => norb.observationsFromFactors([[1, 2, 3, 4]], undefined as never), /rng/);
    assert.throws(() => norb.factors([3]), RangeError);
    assert.match(norb.notes.join(), /^$/);
  });
});

Deno.test("SmallNORB: one split alone loads, and says so", async () => {
  await withFolder(async (folder) => {
    await writeSplit(folder, "testing", [{ cat: 2, info: [1, 1, 2, 1], left: flat(0) }]);
    const norb = await loadSmallNorb(folder);
    assert.deepEqual(norb.splitSizes, [0, 1]);
    assert.match(norb.notes[0], /no training files/);
  });
});

Deno.test("SmallNORB: a bad file fails with one line naming it and what is wrong", async () => {
  const row: Row = { cat: 0, info: [0, 0, 0, 0], left: flat(0) };
  const base = (folder: string, kind: string) => join(folder, `${PREFIX}-training-${kind}.mat`);
  await withFolder(async (folder) => {
    await rejects(folder, /no smallnorb-\*-\{training,testing\}-\{dat,cat,info\}\.mat files/);
    await Deno.writeFile(join(folder, `${PREFIX}-training-dat.mat.gz`), new Uint8Array(4));
    await rejects(folder, /still gzip-compressed .*gunzip/);
    await Deno.remove(join(folder, `${PREFIX}-training-dat.mat.gz`));

    await writeSplit(folder, "training", [row, row]);
    await Deno.remove(base(folder, "info"));
    await rejects(folder, /smallnorb-\*-training-info\.mat is missing/);

    await writeSplit(folder, "training", [row, row]);
    const dat = await Deno.readFile(base(folder, "dat"));
    await Deno.writeFile(base(folder, "dat"), dat.subarray(0, dat.length - 100));
    await rejects(folder, /training-dat\.mat: truncated: the header says \[2,2,96,96\]/);

    await Deno.writeFile(base(folder, "dat"), norbMatrix("u8", [2, 9216], new Uint8Array(18432)));
    await rejects(folder, /training-dat\.mat: dat must be uint8 \[N, 2, H, W\].*got u8 \[2,9216\]/);

    await Deno.writeFile(base(folder, "cat"), norbMatrix("u8", [2], [0, 0], { magic: 0x12345678 }));
    await rejects(folder, /training-cat\.mat: not a NORB binary matrix \(magic 0x12345678/);

    await writeSplit(folder, "training", [row, row]);
    await Deno.writeFile(base(folder, "cat"), norbMatrix("i32", [3], [0, 0, 0]));
    await rejects(folder, /training-info\.mat: info has 2 rows but .*cat\.mat has 3/);

    await writeSplit(folder, "training", [row, { ...row, info: [0, 0, 3, 0] }]);
    await rejects(folder, /training-info\.mat: row 1: azimuth 3 is not one of 0, 2, …, 34/);

    await writeSplit(folder, "training", [{ ...row, cat: 5 }]);
    await rejects(folder, /training-cat\.mat: row 0: category 5 is outside 0\.\.4/);

    await writeSplit(folder, "training", [row]);
    await Deno.writeFile(
      base(folder, "dat"),
      norbMatrix("u8", [2, 2, 96, 96], new Uint8Array(36864)),
    );
    await rejects(folder, /dat has 2 image pairs but the cat and info files have 1 rows/);
  });
  await rejects("/no/such/folder", /Cannot read SmallNORB from \/no\/such\/folder: no such folder/);
});

Deno.test("readNorbMatrix: each element type, the three stored dimensions of a 1-d matrix, and its checks", () => {
  const m = readNorbMatrix(norbMatrix("i32", [2, 3], [1, -2, 3, 4, 5, 6]));
  assert.deepEqual([m.dtype, m.shape, Array.from(m.data)], ["i32", [2, 3], [1, -2, 3, 4, 5, 6]]);
  const v = norbMatrix("u8", [4], [9, 8, 7, 6]);
  assert.equal(v.length, 8 + 12 + 4);
  assert.deepEqual(Array.from(readNorbMatrix(v).data), [9, 8, 7, 6]);
  const f = new DataView(new ArrayBuffer(8 + 12 + 8));
  f.setUint32(0, 0x1e3d4c51, true);
  f.setInt32(4, 1, true);
  f.setInt32(8, 2, true);
  f.setFloat32(20, 0.5, true);
  f.setFloat32(24, -1, true);
  assert.deepEqual(Array.from(readNorbMatrix(new Uint8Array(f.buffer)).data), [0.5, -1]);
  assert.throws(() => readNorbMatrix(v.subarray(0, 22), { name: "x.mat" }), /x\.mat: truncated/);
  assert.throws(() => readNorbMatrix(new Uint8Array([...v, 0])), /1 bytes after the data/);
  assert.throws(() => readNorbMatrix(new Uint8Array(4)), /too short for a NORB header/);
  assert.throws(() => readNorbMatrix([] as never), TypeError);
});
