import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRng, loadMpi3d, writeNpy, writeNpz } from "../../data/mod.ts";
import { assertThrowsWith } from "../_helpers/assert.ts";

// The numpy-written fixture lives beside the repository (../shared/fixtures from
// its root); a clone without it skips that test and says so.
const FIXTURES = new URL("../../../shared/fixtures/datasets/", import.meta.url).pathname;
const haveFixtures = existsSync(`${FIXTURES}datasets_expected.json`);
if (!haveFixtures) console.warn(`skipping the MPI3D fixture test: ${FIXTURES} is absent`);

const IMAGE = 64 * 64 * 3;
const NAMES = [
  "object_color",
  "object_shape",
  "object_size",
  "camera_height",
  "background_color",
  "horizontal_axis",
  "vertical_axis",
];

/** `n` images, image i holding byte (i + p) mod 256 at pixel byte p. */
function images(n: number): Uint8Array {
  const out = new Uint8Array(n * IMAGE);
  for (let i = 0; i < n; i++) for (let p = 0; p < IMAGE; p++) out[i * IMAGE + p] = (i + p) & 255;
  return out;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name:
    "loadMpi3d reads the numpy fixture (a subset: its factor sizes given) as datasets_expected.json says",
  ignore: !haveFixtures,
  async fn() {
    const expected = JSON.parse(await Deno.readTextFile(`${FIXTURES}datasets_expected.json`)).mpi3d;
    const path = `${FIXTURES}${expected.file}`;
    const data = loadMpi3d(path, { factorSizes: expected.factor_sizes });
    try {
      assert.equal(data.size, expected.images[0]);
      assert.deepEqual(data.observationShape, expected.images.slice(1));
      assert.deepEqual(data.factorNames, NAMES);
      assert.deepEqual(data.factorSizes, expected.factor_sizes);
      const obs = data.observations([7]);
      let sum = 0;
      for (const v of obs.data) sum += Math.round(v * 255);
      assert.equal(sum, expected.image_sum_row_7);
      const [f7] = data.factors([7]);
      assert.deepEqual(data.indexOfFactors([f7]), [7]);
      assert.ok(data.notes[0].includes("subset of the MPI3D grid"));
    } finally {
      data.close();
    }
    // Without the sizes the subset is refused, and the message says what to give.
    assertThrowsWith(
      () => loadMpi3d(path),
      Error,
      new RegExp(
        `^Cannot read ${path}: it holds 48 images, not the 1036800 of the MPI3D grid \\(6, 6, 2, 3, 3, 40, 40\\); for a part of the grid give its factor sizes .*7 numbers whose product is 48$`,
      ),
    );
  },
});

Deno.test("loadMpi3d: stored .npz and bare .npy, other grids: pixels, index ↔ factors, sampling", async () => {
  await withDir(async (dir) => {
    const sizes = [1, 2, 1, 3, 1, 2, 2];
    const n = 24;
    const array = { shape: [n, 64, 64, 3], data: images(n) };
    await Deno.writeFile(
      `${dir}/a.npz`,
      await writeNpz({ other: { shape: [1], data: new Uint8Array(1) }, images: array }),
    );
    await Deno.writeFile(`${dir}/images.npy`, writeNpy(array));
    for (const file of ["a.npz", "images.npy"]) {
      const data = loadMpi3d(`${dir}/${file}`, { factorSizes: sizes });
      try {
        assert.equal(data.size, n);
        assert.deepEqual(data.factorSizes, sizes);
        assert.deepEqual(data.factorValues[3], [0, 1, 2]);
        // Row-major: index 17 = ((1·3 + 1)·2 + 0)·2 + 1 with the size-1 factors 0.
        assert.deepEqual(data.factors([17]), [[0, 1, 0, 1, 0, 0, 1]]);
        assert.deepEqual(data.indexOfFactors([[0, 1, 0, 1, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]]), [
          17,
          0,
        ]);
        const obs = data.observations([17, 3]);
        assert.deepEqual(obs.shape, [2, 64, 64, 3]);
        // Byte p of image i is (i + p) mod 256, scaled to [0, 1].
        assert.equal(obs.data[0], Math.fround(17 / 255));
        assert.equal(obs.data[300], Math.fround(((17 + 300) & 255) / 255));
        assert.equal(obs.data[IMAGE + 252], 1);
        const ff = data.observationsFromFactors([[0, 0, 0, 0, 0, 1, 1]]);
        assert.equal(ff.data[0], Math.fround(3 / 255));
        const sampled = data.sampleFactors(300, createRng(2));
        sampled.forEach((f) => f.forEach((c, k) => assert.ok(c >= 0 && c < sizes[k])));
        assert.equal(new Set(sampled.map((f) => f[3])).size, 3);
        assertThrowsWith(
          () => data.observations([24]),
          RangeError,
          /indices\[0\] = 24 is outside 0\.\.23/,
        );
        assertThrowsWith(
          () => data.indexOfFactors([[0, 2, 0, 0, 0, 0, 0]]),
          RangeError,
          /factors\[0\]\[1\] \(object_shape\) = 2 is outside 0\.\.1/,
        );
      } finally {
        data.close();
      }
    }
  });
});

Deno.test("loadMpi3d fails with one line naming the file and what is wrong", async () => {
  await withDir(async (dir) => {
    const p = (name: string) => `${dir}/${name}`;
    const oneLine = (path: string, pattern: RegExp, options = {}, Cls: typeof Error = Error) => {
      assertThrowsWith(() => loadMpi3d(path, options), Cls, pattern);
      try {
        loadMpi3d(path, options);
      } catch (e) {
        const m = (e as Error).message;
        assert.ok(!m.includes("\n") && m.startsWith(`Cannot read ${path}`), m);
      }
    };
    const sizes = { factorSizes: [1, 1, 1, 1, 1, 2, 2] };
    const four = { shape: [4, 64, 64, 3], data: images(4) };
    oneLine(p("absent.npz"), /no such file/);
    await Deno.writeTextFile(p("text.npz"), "hello");
    oneLine(p("text.npz"), /not an \.npz \(zip\) or \.npy file/);
    await Deno.writeFile(p("other.npz"), await writeNpz({ imgs: four }));
    oneLine(p("other.npz"), /not an MPI3D archive: it needs an array "images", it has "imgs"/);
    await Deno.writeFile(p("compressed.npz"), await writeNpz({ images: four }, { compress: true }));
    oneLine(
      p("compressed.npz"),
      /compressed .*deflate.*cannot be read piece by piece; decompress it first/,
      sizes,
    );
    const good = await writeNpz({ images: four });
    await Deno.writeFile(p("cut_end.npz"), good.subarray(0, good.length - 30));
    oneLine(
      p("cut_end.npz"),
      /truncated zip archive \(no end-of-central-directory record\)/,
      sizes,
    );
    // A .npy cut inside its images.
    const npy = writeNpy(four);
    await Deno.writeFile(p("cut.npy"), npy.subarray(0, npy.length - IMAGE - 10));
    oneLine(p("cut.npy"), /truncated: the header gives 4 images, 2 are present/, sizes);
    await Deno.writeFile(
      p("float.npz"),
      await writeNpz({ images: { shape: [4, 64, 64, 3], data: new Float32Array(4 * IMAGE) } }),
    );
    oneLine(p("float.npz"), /member images\.npy\): images must be uint8, got dtype "<f4"/, sizes);
    await Deno.writeFile(
      p("grey.npz"),
      await writeNpz({ images: { shape: [4, 64, 64], data: new Uint8Array(4 * 4096) } }),
    );
    oneLine(p("grey.npz"), /images must be \[N, 64, 64, 3\], got \[4,64,64\]/, sizes);
    await Deno.writeFile(p("good.npz"), good);
    oneLine(
      p("good.npz"),
      /it holds 4 images, but factor sizes 1, 1, 1, 1, 1, 2, 3 make a grid of 6/,
      {
        factorSizes: [1, 1, 1, 1, 1, 2, 3],
      },
      RangeError,
    );
    oneLine(p("good.npz"), /factor size camera_height = 4 is outside 1\.\.3/, {
      factorSizes: [1, 1, 1, 4, 1, 1, 1],
    }, RangeError);
    oneLine(p("good.npz"), /factor sizes must be 7 integers/, { factorSizes: [2, 2] }, TypeError);
    // The right sizes pass.
    loadMpi3d(p("good.npz"), sizes).close();
  });
});
