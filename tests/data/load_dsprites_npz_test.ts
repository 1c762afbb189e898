import assert from "node:assert/strict";
import { createRng, loadDspritesNpz, loadNpz, writeNpz } from "@disentangle/vae/data";
import { assertRejectsWith, assertThrowsWith } from "../_helpers/assert.ts";

const tiny = new URL("../fixtures/numpy/tiny_dsprites.npz", import.meta.url).pathname;
const expected = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/numpy/expected.json", import.meta.url)),
)["tiny_dsprites.npz"];

Deno.test("loadDspritesNpz: factors are latents_classes without colour, images as stored", async () => {
  const d = await loadDspritesNpz(tiny);
  assert.equal(d.size, 12);
  assert.deepEqual(d.factorNames, ["shape", "scale", "orientation", "posX", "posY"]);
  assert.deepEqual(d.factorSizes, [3, 6, 40, 32, 32]);
  assert.deepEqual(d.observationShape, [64, 64, 1]);
  const all = Array.from({ length: 12 }, (_, i) => i);
  assert.deepEqual(
    d.factors(all),
    expected.latents_classes.values.map((r: number[]) => r.slice(1)),
  );
  assert.deepEqual(d.indexOfFactors(d.factors(all)), all);
  const { arrays } = await loadNpz(tiny);
  const obs = d.observations(all);
  assert.deepEqual(obs.shape, [12, 64, 64, 1]);
  assert.deepEqual(Array.from(obs.data), Array.from(arrays.imgs.data));
  assert.equal(obs.data.reduce((s, v) => s + v, 0), expected.imgs.sum);
  // Arbitrary order and repeats.
  const some = d.observations([7, 2, 7]);
  assert.deepEqual(some.data.subarray(0, 4096), obs.data.subarray(7 * 4096, 8 * 4096));
  assert.deepEqual(some.data.subarray(4096, 8192), obs.data.subarray(2 * 4096, 3 * 4096));
  assert.deepEqual(
    d.observationsFromFactors(d.factors([3])).data,
    obs.data.subarray(3 * 4096, 4 * 4096),
  );
  assert.ok(d.notes.some((n) => /metadata: not used \(a pickled dict/.test(n)));
  // The factor values are the original's; the fixture's latents_values agree
  // except for orientation (it used 2πk/40, the original linspace(0, 2π, 40)).
  const values = arrays.latents_values.data;
  for (let i = 0; i < 12; i++) {
    const f = d.factors([i])[0];
    for (const k of [0, 1, 3, 4]) {
      assert.ok(
        Math.abs(d.factorValues[k][f[k]] - values[i * 6 + 1 + k]) < 1e-7,
        `row ${i} factor ${k}`,
      );
    }
    assert.ok(Math.abs(values[i * 6 + 3] - (2 * Math.PI * f[2]) / 40) < 1e-7);
  }
  assert.ok(
    d.notes.some((n) =>
      /latents_values differ from the original dSprites values for orientation \(row 0: 0\.78539816\d* vs 0\.805536/
        .test(n)
    ),
    d.notes.join("; "),
  );
  assert.equal(d.notes.length, 2);
});

Deno.test("loadDspritesNpz: a partial archive samples only its rows and rejects absent factors", async () => {
  const d = await loadDspritesNpz(tiny);
  const present = new Set(d.factors(Array.from({ length: 12 }, (_, i) => i)).map((f) => f.join()));
  const sample = d.sampleFactors(200, createRng(1));
  assert.ok(sample.every((f) => present.has(f.join())));
  assert.deepEqual(d.sampleFactors(200, createRng(1)), sample);
  assert.equal(new Set(sample.map((f) => f.join())).size, 12);
  assertThrowsWith(
    () => d.indexOfFactors([[0, 0, 0, 0, 0]]),
    RangeError,
    /factors\[0\] = \[0,0,0,0,0\] is not in .*tiny_dsprites\.npz \(it holds 12 of the 737280 combinations\)/,
  );
  assertThrowsWith(() => d.observations([12]), RangeError, /indices\[0\] = 12 is outside 0\.\.11/);
});

Deno.test("loadDspritesNpz: clear errors for missing, foreign and non-binary archives", async () => {
  const dir = await Deno.makeTempDir();
  const classes = (n: number) => ({ shape: [n, 6], data: new Int32Array(n * 6) });
  try {
    await assertRejectsWith(
      () => loadDspritesNpz(`${dir}/none.npz`),
      Error,
      /Cannot read .*none\.npz: no such file/,
    );
    await Deno.writeFile(
      `${dir}/other.npz`,
      await writeNpz({ x: { shape: [1], data: new Uint8Array(1) } }),
    );
    await assertRejectsWith(
      () => loadDspritesNpz(`${dir}/other.npz`),
      Error,
      /Cannot read .*other\.npz: not a dSprites archive: it needs imgs and latents_classes, it has x/,
    );
    const grey = new Uint8Array(4096);
    grey[10] = 2;
    await Deno.writeFile(
      `${dir}/grey.npz`,
      await writeNpz({ imgs: { shape: [1, 64, 64], data: grey }, latents_classes: classes(1) }),
    );
    await assertRejectsWith(
      () => loadDspritesNpz(`${dir}/grey.npz`),
      RangeError,
      /Cannot read .*grey\.npz \(member imgs\.npy\): pixel 10 is 2; only binary \(0\/1\) images are supported/,
    );
    await Deno.writeFile(
      `${dir}/mismatch.npz`,
      await writeNpz({
        imgs: { shape: [2, 64, 64], data: new Uint8Array(8192) },
        latents_classes: classes(3),
      }),
    );
    await assertRejectsWith(
      () => loadDspritesNpz(`${dir}/mismatch.npz`),
      Error,
      /imgs must be \[3, 64, 64\] to match latents_classes, got \[2,64,64\]/,
    );
    const bad = classes(1);
    bad.data[3] = 40; // orientation class 40 does not exist
    await Deno.writeFile(
      `${dir}/bad.npz`,
      await writeNpz({
        imgs: { shape: [1, 64, 64], data: new Uint8Array(4096) },
        latents_classes: bad,
      }),
    );
    await assertRejectsWith(
      () => loadDspritesNpz(`${dir}/bad.npz`),
      RangeError,
      /latents_classes\[0\]\[3\] \(orientation\) = 40 is outside 0\.\.39/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
