import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import h5wasm from "h5wasm/node";
import { createRng, loadShapes3d } from "../../data/mod.ts";
import { assertRejectsWith } from "../_helpers/assert.ts";

// The h5py-written fixtures live beside the repository (../shared/fixtures from
// its root); a clone without them skips those tests and says so.
const FIXTURES = new URL("../../../shared/fixtures/datasets/", import.meta.url).pathname;
const haveFixtures = existsSync(`${FIXTURES}datasets_expected.json`);
if (!haveFixtures) {
  console.warn(`skipping the Shapes3D fixture tests: ${FIXTURES} is absent`);
}

const NAMES = ["floor_hue", "wall_hue", "object_hue", "scale", "shape", "orientation"];
const IMAGE = 64 * 64 * 3;

/** Sum of the 0..255 bytes of one [0, 1] observation. */
const byteSum = (data: Float32Array, start = 0, length = data.length): number => {
  let s = 0;
  for (let i = start; i < start + length; i++) s += Math.round(data[i] * 255);
  return s;
};

interface WriteOptions {
  /** Chunks of the images dataset (contiguous without). */
  chunks?: number[];
  gzip?: boolean;
  /** Rewrites the labels (e.g. to break the grid). */
  labels?: (labels: Float64Array) => Float64Array;
  imageShape?: number[];
  omit?: "images" | "labels";
}

/**
 * A Shapes3D-layout file on the grid `sizes`: image i is the constant (i mod
 * 251), label (i, k) = 10·k + class of factor k (so every factor's values
 * differ and ascend).
 */
function writeShapes3d(path: string, sizes: number[], options: WriteOptions = {}): void {
  const { chunks, gzip = false, imageShape = [64, 64, 3], omit } = options;
  const n = sizes.reduce((a, b) => a * b, 1);
  const per = imageShape.reduce((a, b) => a * b, 1);
  const images = new Uint8Array(n * per);
  for (let i = 0; i < n; i++) images.fill(i % 251, i * per, (i + 1) * per);
  let labels: Float64Array = new Float64Array(n * 6);
  for (let i = 0; i < n; i++) {
    let rest = i;
    for (let k = 5; k >= 0; k--) {
      labels[i * 6 + k] = 10 * k + (rest % sizes[k]);
      rest = Math.floor(rest / sizes[k]);
    }
  }
  if (options.labels) labels = options.labels(labels);
  const f = new h5wasm.File(path, "w");
  try {
    if (omit !== "images") {
      f.create_dataset({
        name: "images",
        data: images,
        shape: [n, ...imageShape],
        dtype: "<B",
        ...(chunks ? { chunks } : {}),
        ...(gzip ? { compression: "gzip" as const, compression_opts: 4 } : {}),
      });
    }
    if (omit !== "labels") {
      f.create_dataset({
        name: "labels",
        data: labels,
        shape: [labels.length / 6, 6],
        dtype: "<d",
      });
    }
  } finally {
    f.close();
  }
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  await h5wasm.ready;
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name:
    "loadShapes3d reads the h5py fixtures (contiguous, chunked + gzip) as datasets_expected.json says",
  ignore: !haveFixtures,
  async fn() {
    const expected = JSON.parse(await Deno.readTextFile(`${FIXTURES}datasets_expected.json`))
      .shapes3d;
    for (const file of expected.files as string[]) {
      const data = await loadShapes3d(`${FIXTURES}${file}`);
      try {
        assert.equal(data.size, expected.images[0], file);
        assert.deepEqual(data.observationShape, expected.images.slice(1));
        assert.deepEqual(data.factorNames, expected.factor_names);
        assert.deepEqual(data.factorSizes, expected.factor_sizes);
        // Row 5's labels are its factors' values.
        const [f5] = data.factors([5]);
        assert.deepEqual(
          f5.map((c, k) => data.factorValues[k][c]),
          expected.labels_row_5,
        );
        assert.deepEqual(data.indexOfFactors([f5]), [5]);
        const obs = data.observations([5, 0, 5]);
        assert.deepEqual(obs.shape, [3, 64, 64, 3]);
        assert.equal(byteSum(obs.data, 0, IMAGE), expected.image_sum_row_5);
        assert.equal(byteSum(obs.data, 2 * IMAGE, IMAGE), expected.image_sum_row_5);
        assert.ok(data.notes.some((n) => n.includes("subset of the Shapes3D grid")));
      } finally {
        data.close();
      }
    }
  },
});

Deno.test("loadShapes3d: other grids, contiguous, chunked and gzip-compressed, give the same data", async () => {
  await withDir(async (dir) => {
    const sizes = [3, 1, 2, 2, 1, 5];
    const n = 60;
    const layouts: [string, WriteOptions][] = [
      ["contiguous", {}],
      ["chunks of 7", { chunks: [7, 64, 64, 3] }],
      ["chunks of 1 row, gzip", { chunks: [1, 32, 64, 3], gzip: true }],
    ];
    for (const [what, options] of layouts) {
      const path = `${dir}/${what.replaceAll(" ", "_")}.h5`;
      writeShapes3d(path, sizes, options);
      const data = await loadShapes3d(path);
      try {
        assert.equal(data.size, n, what);
        assert.deepEqual(data.factorNames, NAMES);
        assert.deepEqual(data.factorSizes, sizes);
        assert.deepEqual(
          data.factorValues,
          sizes.map((s, k) => Array.from({ length: s }, (_, c) => 10 * k + c)),
        );
        // Index ↔ factors in row-major order: index 37 = ((((2·1+0)·2+1)·2+1)·1+0)·5+2.
        assert.deepEqual(data.factors([37]), [[1, 0, 1, 1, 0, 2]]);
        assert.deepEqual(data.indexOfFactors([[1, 0, 1, 1, 0, 2], [2, 0, 1, 1, 0, 4]]), [37, 59]);
        // Pixels: image i is the constant i mod 251, scaled to [0, 1].
        const obs = data.observations([59, 0, 37]);
        assert.deepEqual(obs.shape, [3, 64, 64, 3]);
        assert.equal(obs.data[0], Math.fround(59 / 255));
        assert.equal(obs.data[IMAGE - 1], Math.fround(59 / 255));
        assert.equal(obs.data[IMAGE], 0);
        assert.equal(obs.data[3 * IMAGE - 1], Math.fround(37 / 255));
        const fromFactors = data.observationsFromFactors([[1, 0, 1, 1, 0, 2]]);
        assert.equal(fromFactors.data[100], Math.fround(37 / 255));
        // Sampled factors are in range and each factor's classes all appear.
        const sampled = data.sampleFactors(400, createRng(1));
        for (let k = 0; k < 6; k++) {
          assert.equal(new Set(sampled.map((f) => f[k])).size, sizes[k]);
        }
        assert.match(data.notes.at(-1) ?? "", what === "contiguous" ? /contiguously/ : /chunks of/);
      } finally {
        data.close();
      }
    }
  });
});

Deno.test("loadShapes3d fails with one line naming the file and what is wrong", async () => {
  await withDir(async (dir) => {
    const p = (name: string) => `${dir}/${name}`;
    const oneLine = async (path: string, pattern: RegExp, options = {}) => {
      await assertRejectsWith(() => loadShapes3d(path, options), Error, pattern);
      await loadShapes3d(path, options).catch((e: Error) => {
        assert.ok(!e.message.includes("\n"), `one line: ${e.message}`);
        assert.ok(e.message.startsWith(`Cannot read ${path}: `), e.message);
      });
    };
    await oneLine(p("absent.h5"), /no such file/);
    await Deno.writeTextFile(p("text.h5"), "not hdf5 at all");
    await oneLine(p("text.h5"), /not an HDF5 file/);
    await Deno.writeFile(p("empty.h5"), new Uint8Array(0));
    await oneLine(p("empty.h5"), /the file is empty/);

    writeShapes3d(p("good.h5"), [2, 1, 1, 1, 1, 2]);
    const bytes = await Deno.readFile(p("good.h5"));
    await Deno.writeFile(p("truncated.h5"), bytes.subarray(0, bytes.length - 5000));
    await oneLine(
      p("truncated.h5"),
      /truncated HDF5 file: its superblock gives \d+ bytes, the file has \d+/,
    );

    writeShapes3d(p("nolabels.h5"), [2, 1, 1, 1, 1, 2], { omit: "labels" });
    await oneLine(
      p("nolabels.h5"),
      /needs datasets "images" and "labels"; no "labels" \(it has "images"\)/,
    );
    writeShapes3d(p("noimages.h5"), [2, 1, 1, 1, 1, 2], { omit: "images" });
    await oneLine(p("noimages.h5"), /no "images"/);

    writeShapes3d(p("small.h5"), [2, 1, 1, 1, 1, 2], { imageShape: [32, 32, 3] });
    await oneLine(p("small.h5"), /images must be \[N, 64, 64, 3\], got \[4,32,32,3\]/);

    // Rows swapped: the labels no longer follow the grid.
    writeShapes3d(p("shuffled.h5"), [2, 1, 1, 1, 1, 2], {
      labels: (l) => Float64Array.from([...l.slice(6, 12), ...l.slice(0, 6), ...l.slice(12)]),
    });
    await oneLine(
      p("shuffled.h5"),
      /labels are not in row-major grid order: labels\[2\]\[5\] \(orientation\) is 50/,
    );
    // One row dropped: 3 rows cannot be a grid of 2 × 2 values.
    writeShapes3d(p("partial.h5"), [2, 1, 1, 1, 1, 2], { labels: (l) => l.slice(0, 18) });
    await oneLine(p("partial.h5"), /labels has 3 rows but images has 4/);
    writeShapes3d(p("notgrid.h5"), [3, 1, 1, 1, 1, 2], {
      labels: (l) => {
        l[6 * 5] = 1; // row 5's floor hue repeats class 1: 3 rows of classes 0, 1 only
        return l;
      },
    });
    await oneLine(p("notgrid.h5"), /labels are not in row-major grid order/);
    writeShapes3d(p("extra.h5"), [3, 1, 1, 1, 1, 2], {
      labels: (l) => {
        l[6 * 5] = 7; // a fourth floor hue: 4 × 2 combinations for 6 rows
        return l;
      },
    });
    await oneLine(
      p("extra.h5"),
      /its 6 labels do not form a factor grid: the distinct values per factor \(floor_hue 4, wall_hue 1, object_hue 1, scale 1, shape 1, orientation 2\) make 8 combinations/,
    );
    await oneLine(p("good.h5"), /form a grid of factor sizes 2, 1, 1, 1, 1, 2, not the 10, 10/, {
      factorSizes: [10, 10, 10, 8, 4, 15],
    });
    // The right sizes pass.
    (await loadShapes3d(p("good.h5"), { factorSizes: [2, 1, 1, 1, 1, 2] })).close();
  });
});
