// Minibatches per second from the Shapes3D (.h5) and MPI3D (.npz) loaders next
// to procedural dSprites: `deno bench -A bench/shapes3d_mpi3d_bench.ts`.
// Each iteration reads one minibatch of 64 random indices as [64, 64, 64, C]
// floats in [0, 1], so minibatches/s = 1 / (time per iteration). The files are
// written here in /tmp (4 096 images each, 48 MiB; in the page cache, so this
// is the loaders' own cost, not the disk's) and removed at the end.
import h5wasm from "h5wasm/node";
import {
  createDsprites,
  createRng,
  loadMpi3d,
  loadShapes3d,
  minibatches,
  writeNpz,
} from "@disentangle/vae/data";

const N = 4096; // a 4 × 4 × 4 × 4 × 4 × 4 Shapes3D grid; MPI3D 4 × 4 × 2 × 2 × 2 × 4 × 8
const IMAGE = 64 * 64 * 3;
const dir = await Deno.makeTempDir({ prefix: "bench-shapes3d-mpi3d-" });
const images = new Uint8Array(N * IMAGE);
for (let i = 0; i < images.length; i++) images[i] = (i * 2654435761) >>> 24;
const labels = new Float64Array(N * 6);
for (let i = 0; i < N; i++) {
  for (let k = 0; k < 6; k++) labels[i * 6 + k] = (i >> (2 * (5 - k))) & 3;
}

await h5wasm.ready;
const writeH5 = (name: string, extra: Record<string, unknown>) => {
  const f = new h5wasm.File(`${dir}/${name}`, "w");
  f.create_dataset({ name: "images", data: images, shape: [N, 64, 64, 3], dtype: "<B", ...extra });
  f.create_dataset({ name: "labels", data: labels, shape: [N, 6], dtype: "<d" });
  f.close();
  return `${dir}/${name}`;
};
const contiguous = await loadShapes3d(writeH5("contiguous.h5", {}));
const chunked = await loadShapes3d(writeH5("chunked.h5", { chunks: [16, 64, 64, 3] }));
const gzip = await loadShapes3d(
  writeH5("gzip.h5", { chunks: [4, 64, 64, 3], compression: "gzip", compression_opts: 4 }),
);
await Deno.writeFile(
  `${dir}/mpi3d.npz`,
  await writeNpz({ images: { shape: [N, 64, 64, 3], data: images } }),
);
const mpi3d = loadMpi3d(`${dir}/mpi3d.npz`, { factorSizes: [4, 4, 2, 2, 2, 4, 8] });
const dsprites = createDsprites();

const rng = createRng(0);
const batch = (size: number) => Array.from({ length: 64 }, () => rng.int(size));

Deno.bench(
  "dSprites (procedural): a minibatch of 64 (64×64×1)",
  { group: "batch", baseline: true },
  () => {
    dsprites.observations(batch(dsprites.size));
  },
);
Deno.bench("Shapes3D .h5, contiguous: a minibatch of 64 (64×64×3)", { group: "batch" }, () => {
  contiguous.observations(batch(N));
});
Deno.bench("Shapes3D .h5, chunks of 16 images: a minibatch of 64", { group: "batch" }, () => {
  chunked.observations(batch(N));
});
Deno.bench("Shapes3D .h5, gzip chunks of 4 images: a minibatch of 64", { group: "batch" }, () => {
  gzip.observations(batch(N));
});
Deno.bench("MPI3D .npz, stored member: a minibatch of 64 (64×64×3)", { group: "batch" }, () => {
  mpi3d.observations(batch(N));
});
Deno.bench("MPI3D .npz: 20 shuffled minibatches of 64 through minibatches()", async () => {
  let n = 0;
  for await (const _ of minibatches(mpi3d, { batchSize: 64, seed: 1 })) if (++n === 20) break;
});

globalThis.addEventListener("unload", () => {
  for (const d of [contiguous, chunked, gzip, mpi3d]) d.close();
  Deno.removeSync(dir, { recursive: true });
});
