// Minibatches per second from the file-backed ground-truth data sets and the
// dSprites variants, next to procedural dSprites:
// `deno bench -A bench/ground_truth_files_bench.ts` (1 / time per iteration is
// minibatches/s; one iteration reads one minibatch of 64 random indices).
// SmallNORB and Cars3D read files generated here in the published layouts
// (2 430 stereo pairs of 96×96; 20 cars of 24 × 4 views at 128×128, compressed).
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import {
  createColorDsprites,
  createDsprites,
  createNoisyDsprites,
  createRng,
  type GroundTruthDataset,
  loadCars3d,
  loadScreamDsprites,
  loadSmallNorb,
} from "@disentangle/vae/data";
import * as pngjs from "pngjs";

const folder = await Deno.makeTempDir();
const rng = createRng(0);

function norb(magic: number, dims: number[], body: Uint8Array): Uint8Array {
  const head = new Int32Array([
    magic,
    dims.length,
    ...dims,
    ...Array(Math.max(0, 3 - dims.length)).fill(1),
  ]);
  const out = new Uint8Array(head.byteLength + body.length);
  out.set(new Uint8Array(head.buffer));
  out.set(body, head.byteLength);
  return out;
}
const N = 2430;
const pairs = new Uint8Array(N * 2 * 96 * 96).map(() => rng.int(256));
const cats = new Int32Array(N).map((_, i) => i % 5);
const info = new Int32Array(N * 4).map((_, j) =>
  [j % 10, (j >> 2) % 9, 2 * (j % 18), j % 6][j % 4]
);
for (const split of ["training", "testing"]) {
  const base = join(folder, `smallnorb-5x46789x9x18x6x2x96x96-${split}-`);
  await Deno.writeFile(base + "dat.mat", norb(0x1e3d4c55, [N, 2, 96, 96], pairs));
  await Deno.writeFile(base + "cat.mat", norb(0x1e3d4c54, [N], new Uint8Array(cats.buffer)));
  await Deno.writeFile(base + "info.mat", norb(0x1e3d4c54, [N, 4], new Uint8Array(info.buffer)));
}

// One Cars3D file: a compressed miMATRIX `im` uint8 [128, 128, 3, 24, 4].
function carFile(): Uint8Array {
  const n = 128 * 128 * 3 * 24 * 4;
  const m = new Uint8Array(8 + 16 + 8 + 20 + 4 + 8 + 8 + n);
  const v = new DataView(m.buffer);
  const words = [
    14,
    m.length - 8,
    6,
    8,
    9,
    0,
    5,
    20,
    128,
    128,
    3,
    24,
    4,
    0,
    (2 << 16) | 1,
    0x6d69,
    2,
    n,
  ];
  words.forEach((w, i) => v.setUint32(4 * i, w, true));
  for (let i = 0; i < n; i++) m[72 + i] = (i * 31 + (i >> 9)) & 255;
  const z = new Uint8Array(deflateSync(m));
  const header = new Uint8Array(128).fill(32);
  header.set(new TextEncoder().encode("MATLAB 5.0 MAT-file"));
  header.set([0, 1, 0x49, 0x4d], 124);
  const tag = new Uint32Array([15, z.length]);
  return new Uint8Array([...header, ...new Uint8Array(tag.buffer), ...z]);
}
await Deno.mkdir(join(folder, "cars"));
const car = carFile();
for (let c = 1; c <= 20; c++) {
  await Deno.writeFile(join(folder, "cars", `car_${String(c).padStart(3, "0")}_mesh.mat`), car);
}
const { PNG } = pngjs as unknown as { PNG: { sync: { write(p: unknown): Uint8Array } } };
const picture = join(folder, "picture.png");
await Deno.writeFile(
  picture,
  PNG.sync.write({
    width: 350,
    height: 274,
    data: new Uint8Array(350 * 274 * 4).map(() => rng.int(256)),
  }),
);

const timed = async <T>(what: string, load: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const d = await load();
  console.log(`${what}: loaded in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return d;
};
const sets: [string, GroundTruthDataset][] = [
  ["dSprites (procedural, 1 channel)", createDsprites()],
  ["Color-dSprites", createColorDsprites()],
  ["Noisy-dSprites", createNoisyDsprites()],
  ["Scream-dSprites", await timed("Scream-dSprites", () => loadScreamDsprites(picture))],
  ["SmallNORB (4 860 pairs)", await timed("SmallNORB, 4 860 pairs", () => loadSmallNorb(folder))],
  ["Cars3D (20 cars)", await timed("Cars3D, 20 cars", () => loadCars3d(folder))],
];
await Deno.remove(folder, { recursive: true });

for (const [name, data] of sets) {
  const batch = () => Array.from({ length: 64 }, () => rng.int(data.size));
  Deno.bench(`${name}: a minibatch of 64 by index`, {
    group: "observations",
    baseline: name.startsWith("dSprites"),
  }, async () => {
    await data.observations(batch());
  });
  Deno.bench(
    `${name}: 64 observations from sampled factors`,
    { group: "from factors" },
    async () => {
      await data.observationsFromFactors(data.sampleFactors(64, rng), rng);
    },
  );
}
