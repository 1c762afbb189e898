import assert from "node:assert/strict";
import * as pngjs from "pngjs";
import {
  createColorDsprites,
  createDsprites,
  createNoisyDsprites,
  createRng,
  loadScreamDsprites,
} from "@disentangle/vae/data";

const { PNG } = pngjs as unknown as { PNG: { sync: { write(p: unknown): Uint8Array } } };
const dsprites = createDsprites();
const P = 64 * 64;
const SQUARE = [0, 5, 0, 16, 16]; // a 20 × 20 square in the middle
const INDICES = [0, 12345, 400000, 737279];

/** The dSprites mask of `indices`, one 0/1 value per pixel. */
const masks = (indices: number[]) => dsprites.observations(indices).data;

/** Writes a `width × height` PNG whose pixel (x, y) is `rgb(x, y)`. */
async function png(width: number, height: number, rgb: (x: number, y: number) => number[]) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([...rgb(x, y), 255], (y * width + x) * 4);
  }
  const path = await Deno.makeTempFile({ suffix: ".png" });
  await Deno.writeFile(path, PNG.sync.write({ width, height, data }));
  return path;
}

Deno.test("the variants keep dSprites' factor grid and indices, with three channels", async () => {
  const path = await png(64, 64, () => [10, 20, 30]);
  try {
    for (
      const d of [createColorDsprites(), createNoisyDsprites(), await loadScreamDsprites(path)]
    ) {
      assert.equal(d.size, dsprites.size);
      assert.deepEqual(d.factorSizes, dsprites.factorSizes);
      assert.deepEqual(d.factorNames, dsprites.factorNames);
      assert.deepEqual(d.observationShape, [64, 64, 3]);
      assert.deepEqual(d.factors(INDICES), dsprites.factors(INDICES));
      assert.deepEqual(d.indexOfFactors(d.factors(INDICES)), INDICES);
      assert.deepEqual(d.observations(INDICES).shape, [4, 64, 64, 3]);
      // Same seed (the default, 0) same images; each index on its own stream.
      assert.deepEqual(
        d.observations([12345]).data,
        d.observations([0, 12345]).data.subarray(3 * P),
      );
      const rng = () => createRng(9);
      assert.deepEqual(
        d.observationsFromFactors([SQUARE], rng()).data,
        d.observationsFromFactors([SQUARE], rng()).data,
      );
      assert.throws(() => d.observationsFromFactors([SQUARE], undefined as never), /rng/);
      assert.throws(() => d.observations([dsprites.size]), RangeError);
      const x = d.observations(INDICES).data;
      assert.ok(x.every((v) => v >= 0 && v <= 1));
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("Color-dSprites: the sprite in one colour with each channel in [0.5, 1], on black", () => {
  const color = createColorDsprites({ seed: 4 });
  const x = color.observations(INDICES).data;
  const m = masks(INDICES);
  const colours = new Set<string>();
  for (let j = 0; j < INDICES.length; j++) {
    let rgb: number[] | undefined;
    for (let p = 0; p < P; p++) {
      const px = Array.from(x.subarray((j * P + p) * 3, (j * P + p) * 3 + 3));
      if (m[j * P + p] === 0) assert.deepEqual(px, [0, 0, 0]);
      else {
        rgb ??= px;
        assert.deepEqual(px, rgb);
      }
    }
    assert.ok(rgb && rgb.every((v) => v >= 0.5 && v <= 1));
    colours.add(String(rgb));
  }
  assert.equal(colours.size, INDICES.length, "a colour per image");
  assert.notDeepEqual(x, createColorDsprites({ seed: 5 }).observations(INDICES).data);
  assert.throws(() => createColorDsprites({ seed: -1 }), RangeError);
});

Deno.test("Noisy-dSprites: a white sprite on uniform noise", () => {
  const x = createNoisyDsprites({ seed: 2 }).observations(INDICES).data;
  const m = masks(INDICES);
  let sum = 0, count = 0;
  for (let i = 0; i < m.length; i++) {
    for (let k = 0; k < 3; k++) {
      const v = x[3 * i + k];
      if (m[i] === 1) assert.equal(v, 1);
      else {
        assert.ok(v >= 0 && v < 1);
        sum += v;
        count++;
      }
    }
  }
  assert.ok(Math.abs(sum / count - 0.5) < 0.01, `noise mean ${sum / count}`);
});

Deno.test("Scream-dSprites: a patch of the picture plus a colour, halved; the sprite inverted", async () => {
  // Pixel (x, y) of the picture is (x, y, 0) — its patch offset can be read back.
  const path = await png(100, 80, (x, y) => [x, y, 0]);
  try {
    const scream = await loadScreamDsprites(path, { seed: 3 });
    const [index] = scream.indexOfFactors([SQUARE]);
    const x = scream.observations([index]).data;
    const m = masks([index]);
    // Background at (0, 0) is ((x0 + ½·…)/255 + c)/2: recover c's blue from the zero channel.
    const cBlue = 2 * x[2];
    assert.ok(cBlue >= 0 && cBlue < 1);
    const bg = (p: number, k: number) => (m[p] ? 1 - x[3 * p + k] : x[3 * p + k]);
    // Along a row the red channel steps by 1/255/2 per pixel; along a column the green does.
    for (const p of [1, 63, 64 * 40 + 3]) {
      const r = p >> 6, c = p & 63;
      assert.ok(Math.abs(bg(p, 0) - bg(0, 0) - c / 510) < 1e-5);
      assert.ok(Math.abs(bg(p, 1) - bg(0, 1) - r / 510) < 1e-5);
      assert.ok(Math.abs(bg(p, 2) - bg(0, 2)) < 1e-6);
    }
    const centre = 32 * 64 + 32;
    assert.equal(m[centre], 1);
    // The patch lies inside the picture: x0 ≤ 100 − 64, y0 ≤ 80 − 64.
    for (let j = 0; j < 50; j++) {
      const y = scream.observationsFromFactors([SQUARE], createRng(j)).data;
      const c = scream.observationsFromFactors([SQUARE], createRng(j)).data;
      assert.deepEqual(y, c);
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("Scream-dSprites: a big picture is shrunk to fit 350×274; a small or bad one is refused", async () => {
  const big = await png(700, 548, (x) => [x % 2 ? 255 : 0, 0, 0]);
  const small = await png(60, 90, () => [0, 0, 0]);
  const text = await Deno.makeTempFile({ suffix: ".jpg" });
  await Deno.writeTextFile(text, "not a picture");
  try {
    // Shrunk by 2: alternate 0/255 columns average to 127.5, so red is (0.5 + c)/2 everywhere.
    const x = (await loadScreamDsprites(big, { seed: 1 })).observations([0]).data;
    const m = masks([0]);
    const red = (p: number) => (m[p] ? 1 - x[3 * p] : x[3 * p]);
    for (let p = 0; p < P; p++) assert.ok(Math.abs(red(p) - red(P - 1)) < 1e-6);
    await assert.rejects(
      () => loadScreamDsprites(small),
      /Cannot read .*: the picture is 60×90; Scream-dSprites cuts 64×64 patches/,
    );
    await assert.rejects(() => loadScreamDsprites(text), /Cannot read .*: not a PNG or JPEG file/);
    await assert.rejects(
      () => loadScreamDsprites("/no/such.png"),
      /Cannot read \/no\/such\.png: no such file/,
    );
  } finally {
    for (const f of [big, small, text]) await Deno.remove(f);
  }
});
