import assert from "node:assert/strict";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { createRng, loadCars3d, readMat } from "@disentangle/vae/data";
import { assertClose } from "../_helpers/assert.ts";
import {
  type MatVar,
  SHARED_DATASETS,
  sharedFixturesPresent,
  writeMat,
} from "../_helpers/norb_mat.ts";

/** The value of pixel (row h, column w, channel c) of azimuth a, elevation e of car `car`. */
const value = (h: number, w: number, c: number, a: number, e: number, car: number) =>
  (h + 3 * w + 40 * c + 11 * a + 70 * e + 101 * car) % 256;

/** `im` [side, side, 3, az, el] of `car`, column-major as MATLAB stores it. */
function im(side: number, az: number, el: number, car: number, fn = value): MatVar {
  const data = new Uint8Array(side * side * 3 * az * el);
  for (let e = 0; e < el; e++) {
    for (let a = 0; a < az; a++) {
      for (let c = 0; c < 3; c++) {
        for (let w = 0; w < side; w++) {
          for (let h = 0; h < side; h++) {
            data[h + side * (w + side * (c + 3 * (a + az * e)))] = fn(h, w, c, a, e, car);
          }
        }
      }
    }
  }
  return { name: "im", className: "uint8", dims: [side, side, 3, az, el], data };
}

async function withCars(fn: (root: string, cars: string) => Promise<void>) {
  const root = await Deno.makeTempDir();
  const cars = join(root, "cars");
  await Deno.mkdir(cars);
  try {
    await fn(root, cars);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function rejects(path: string, pattern: RegExp, options = {}) {
  await assert.rejects(() => loadCars3d(path, options), (e: Error) => {
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes("\n"), `one line: ${e.message}`);
    return true;
  });
}

Deno.test({
  name:
    "Cars3D: the shared fixture files (scipy, compressed and not) read with their shapes and sums",
  ignore: !sharedFixturesPresent(),
  async fn() {
    const expected = JSON.parse(
      await Deno.readTextFile(`${SHARED_DATASETS}datasets_expected.json`),
    ).cars3d;
    const sums: number[] = [];
    for (const f of expected.files) {
      const { variables } = readMat(await Deno.readFile(SHARED_DATASETS + f.file));
      const image = variables.im;
      assert.equal(image.className, "uint8");
      assert.deepEqual(image.dims, f.im_shape);
      const [h, w, c, az] = f.im_shape;
      const n = h * w * c;
      const start = (1 + az * 0) * n; // azimuth 1, elevation 0
      const sum = (image.data as Uint8Array).subarray(start, start + n).reduce((s, v) => s + v, 0);
      assert.equal(sum, f.sum_az1_el0);
      sums.push(sum);
    }
    for (const path of [SHARED_DATASETS, `${SHARED_DATASETS}cars`]) {
      const cars = await loadCars3d(path);
      assert.deepEqual(cars.factorNames, ["elevation", "azimuth", "car"]);
      assert.deepEqual(cars.factorSizes, [2, 3, 2]);
      assert.equal(cars.size, 12);
      assert.deepEqual(cars.observationShape, [64, 64, 3]);
      assert.deepEqual(cars.carNames, ["car_001_mesh", "car_002_mesh"]);
      assert.match(cars.notes[0], /2 of 183 cars/);
      for (const car of [0, 1]) {
        const [index] = cars.indexOfFactors([[0, 1, car]]);
        const got = cars.observations([index]).data.reduce((s, v) => s + v, 0) * 255;
        // 2×2 averaging keeps the mean (± ½ of rounding per value).
        assertClose(got, sums[car] / 4, { atol: 64 * 64 * 3 * 0.5, rtol: 0 });
      }
    }
  },
});

Deno.test("Cars3D: MATLAB's column-major axes become height, width, RGB, azimuth, elevation", async () => {
  for (const compress of [false, true]) {
    for (const bigEndian of [false, true]) {
      await withCars(async (root, folder) => {
        // 64×64 images: no resizing, so every value must arrive where it belongs.
        for (const car of [0, 1, 2]) {
          await Deno.writeFile(
            join(folder, `car_00${car + 1}_mesh.mat`),
            writeMat([im(64, 3, 2, car)], { compress: compress && car !== 1, bigEndian }),
          );
        }
        const cars = await loadCars3d(root);
        assert.deepEqual(cars.factorSizes, [2, 3, 3]);
        // Row-major over (elevation, azimuth, car): car fastest.
        assert.deepEqual(cars.factors([0, 1, 3, 9, 17]), [
          [0, 0, 0],
          [0, 0, 1],
          [0, 1, 0],
          [1, 0, 0],
          [1, 2, 2],
        ]);
        for (const [e, a, car] of [[0, 0, 0], [1, 2, 1], [0, 1, 2], [1, 0, 2]]) {
          const [index] = cars.indexOfFactors([[e, a, car]]);
          const image = cars.observationsFromFactors([[e, a, car]]).data;
          assert.deepEqual(image, cars.observations([index]).data);
          for (const [h, w, c] of [[0, 0, 0], [5, 9, 2], [63, 1, 1], [2, 60, 0]]) {
            assert.equal(
              Math.round(image[(h * 64 + w) * 3 + c] * 255),
              value(h, w, c, a, e, car),
              `compress ${compress}, big-endian ${bigEndian}, (${e},${a},${car}) pixel ${h},${w},${c}`,
            );
          }
        }
      });
    }
  }
});

Deno.test("Cars3D: 128 → 64 averages 2×2 blocks; other variables are skipped; the grid is sampled", async () => {
  await withCars(async (_root, folder) => {
    const block = (h: number, w: number, c: number) => (h % 2) * 100 + (w % 2) * 20 + c;
    await Deno.writeFile(
      join(folder, "car_001_mesh.mat"),
      writeMat([
        { name: "extra", className: "double", dims: [1, 2], data: [1.5, -2] },
        { name: "c", className: "cell", dims: [0, 0] },
        im(128, 2, 1, 0, (h, w, c) => block(h, w, c)),
      ], { compress: true }),
    );
    const cars = await loadCars3d(folder);
    const image = Array.from(cars.observations([0]).data, (v) => Math.round(v * 255));
    // (0 + 20 + 100 + 120)/4 + c = 60 + c everywhere.
    for (let p = 0; p < 64 * 64; p++) assert.deepEqual(image.slice(3 * p, 3 * p + 3), [60, 61, 62]);
    const sample = cars.sampleFactors(50, createRng(3));
    assert.ok(sample.every(([e, a, car]) => e === 0 && (a === 0 || a === 1) && car === 0));
    assert.deepEqual(sample, cars.sampleFactors(50, createRng(3)));
    const { variables, skipped } = readMat(await Deno.readFile(join(folder, "car_001_mesh.mat")));
    assert.deepEqual(Array.from(variables.extra.data as Float64Array), [1.5, -2]);
    assert.deepEqual(skipped, ["c: a cell array, not read"]);
  });
});

Deno.test("Cars3D: a bad folder or file fails with one line naming it and what is wrong", async () => {
  await withCars(async (root, folder) => {
    await rejects(root, /no \.mat files in .*cars \(expected cars\/car_001_mesh\.mat/);
    const file = join(folder, "car_001_mesh.mat");
    await Deno.writeFile(file, new TextEncoder().encode("not a mat file at all"));
    await rejects(root, /car_001_mesh\.mat: not a MATLAB MAT-file/);
    const v73 = new Uint8Array(256).fill(32);
    v73.set(new TextEncoder().encode("MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00"));
    await Deno.writeFile(file, v73);
    await rejects(root, /car_001_mesh\.mat: a MATLAB v7\.3 \(HDF5\) MAT-file/);
    await Deno.writeFile(
      file,
      writeMat([{ name: "img", className: "uint8", dims: [1, 1], data: [0] }]),
    );
    await rejects(root, /car_001_mesh\.mat: no variable im .*this one has img/);
    await Deno.writeFile(
      file,
      writeMat([{ name: "im", className: "double", dims: [1, 1], data: [0] }]),
    );
    await rejects(
      root,
      /im must be uint8 \[height, width, 3, azimuths, elevations\], got double \[1,1\]/,
    );
    const good = writeMat([im(4, 2, 1, 0)]);
    await Deno.writeFile(file, good.subarray(0, good.length - 20));
    await rejects(root, /car_001_mesh\.mat: truncated: a data element at byte 128 needs/);
    const broken = writeMat([im(4, 2, 1, 0)], { compress: true });
    broken.fill(0, 140, 150);
    await Deno.writeFile(file, broken);
    await rejects(root, /car_001_mesh\.mat: corrupt compressed variable 1/);
    await Deno.writeFile(file, good);
    await Deno.writeFile(join(folder, "car_002_mesh.mat"), writeMat([im(4, 3, 1, 1)]));
    await rejects(
      root,
      /car_002_mesh\.mat: im is \[4,4,3,3,1\], but car_001_mesh\.mat has \[4,4,3,2,1\]/,
    );
    await Deno.writeFile(join(folder, "car_002_mesh.mat"), writeMat([im(4, 2, 1, 1)]));
    assert.deepEqual((await loadCars3d(root, { factorSizes: [1, 2, 2] })).factorSizes, [1, 2, 2]);
    await rejects(root, /the files make the grid \[1, 2, 2\] .*not the \[4,24,183\] expected/, {
      factorSizes: [4, 24, 183],
    });
    // A matrix whose data do not fill its dimensions.
    const short = writeMat([{ name: "im", className: "uint8", dims: [2, 2, 3], data: [1, 2, 3] }]);
    await Deno.writeFile(file, short);
    await rejects(root, /variable im\): its data holds 3 values, its dimensions \[2,2,3\] need 12/);
  });
  await rejects("/no/such/place", /Cannot read Cars3D from \/no\/such\/place: not a folder/);
});

Deno.test("readMat: a compressed variable holding something other than a matrix is refused", () => {
  const header = writeMat([]);
  const z = new Uint8Array(deflateSync(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0])));
  const tag = new Uint32Array([15, z.length]);
  const bytes = new Uint8Array([...header, ...new Uint8Array(tag.buffer), ...z]);
  assert.throws(
    () => readMat(bytes, { name: "f.mat" }),
    /f\.mat: compressed variable 1 holds data type 2/,
  );
  assert.throws(() => readMat("x" as never), TypeError);
});
