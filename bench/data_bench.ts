// Speed of the data/ adapters: `deno bench -A bench/data_bench.ts`.
// Rendering dSprites minibatches of 64 is the hot path of training on it;
// the .npz numbers give the throughput of loading the original archive.
import {
  createDsprites,
  createRng,
  createShapes,
  loadDspritesNpz,
  minibatches,
  readNpz,
  writeNpz,
} from "@disentangle/vae/data";

const dsprites = createDsprites();
const shapes = createShapes();
const rng = createRng(0);
const batch = () => Array.from({ length: 64 }, () => rng.int(dsprites.size));

Deno.bench("dSprites: render a minibatch of 64 random indices (64×64)", { group: "render" }, () => {
  dsprites.observations(batch());
});

Deno.bench("Shapes: render a minibatch of 64 random indices (28×28)", { group: "render" }, () => {
  shapes.observations(Array.from({ length: 64 }, () => rng.int(shapes.size)));
});

Deno.bench("dSprites: 100 shuffled minibatches of 64 through minibatches()", async () => {
  let n = 0;
  for await (const _ of minibatches(dsprites, { batchSize: 64, seed: 1 })) if (++n === 100) break;
});

// A synthetic archive in dSprites' layout: 20 480 procedurally rendered images.
const N = 20480;
const imgs = new Uint8Array(N * 4096);
const rendered = dsprites.observations(Array.from({ length: N }, (_, i) => i * 36));
for (let i = 0; i < imgs.length; i++) imgs[i] = rendered.data[i];
const classes = new Int32Array(N * 6);
dsprites.factors(Array.from({ length: N }, (_, i) => i * 36)).forEach((f, i) =>
  classes.set(f, i * 6 + 1)
);
const archive = await writeNpz(
  { imgs: { shape: [N, 64, 64], data: imgs }, latents_classes: { shape: [N, 6], data: classes } },
  { compress: true },
);
const path = await Deno.makeTempFile({ suffix: ".npz" });
await Deno.writeFile(path, archive);
console.log(
  `synthetic archive: ${N} images, ${(imgs.length / 2 ** 20).toFixed(0)} MiB raw, ${
    (archive.length / 2 ** 20).toFixed(1)
  } MiB deflated`,
);

Deno.bench(
  `readNpz: inflate ${N} dSprites images (80 MiB) with CRC check`,
  { group: "npz" },
  async () => {
    await readNpz(archive);
  },
);

Deno.bench(`readNpz: the same without CRC check`, { group: "npz" }, async () => {
  await readNpz(archive, { verifyCrc: false });
});

Deno.bench(`loadDspritesNpz: ${N} images into the bit-packed store`, { group: "npz" }, async () => {
  await loadDspritesNpz(path);
});
