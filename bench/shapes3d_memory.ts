// Peak memory (and minibatches/s) of Shapes3D read from a full-size file:
//
//   deno run -A bench/shapes3d_memory.ts [--sizes 10,10,10,8,4,15] [--chunk 16]
//     [--batches 300] [--steps 20] [--keep]
//
// Writes a file in 3dshapes.h5's layout (images uint8 [N, 64, 64, 3], labels
// float64 [N, 6] in row-major grid order; N = the product of --sizes, 480 000
// and 5.9 GB by default) to /tmp, then measures two child processes by their
// peak resident set (VmHWM): one drawing --batches shuffled minibatches of 64
// through minibatches(), one `deno task train --data shapes3d` for --steps
// steps with its final metrics (the default 10 000 metric samples). The file is removed at the end unless --keep.
// h5wasm cannot write a contiguous dataset larger than its wasm heap, so the
// images are written chunked (--chunk images a chunk, uncompressed), slab by
// slab; the loader reads contiguous and chunked layouts alike.
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import h5wasm from "h5wasm/node";
import { loadShapes3d, minibatches } from "@disentangle/vae/data";

const IMAGE = 64 * 64 * 3;

/** This process's peak resident set in MiB (Linux). */
function peakMiB(pid: number | "self" = "self"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    sizes: { type: "string", default: "10,10,10,8,4,15" },
    chunk: { type: "string", default: "16" },
    batches: { type: "string", default: "300" },
    steps: { type: "string", default: "20" },
    keep: { type: "boolean", default: false },
    child: { type: "string" },
    path: { type: "string" },
  },
});

if (values.child === "batches") {
  // Child: draw minibatches, report the rate and the peak memory as JSON.
  const data = await loadShapes3d(values.path as string);
  const count = Number(values.batches);
  const t0 = performance.now();
  let n = 0;
  for await (const _ of minibatches(data, { batchSize: 64, seed: 1 })) if (++n === count) break;
  const seconds = (performance.now() - t0) / 1000;
  data.close();
  console.log(JSON.stringify({ batches: n, perSecond: n / seconds, peakMiB: peakMiB() }));
  Deno.exit(0);
}

const sizes = values.sizes.split(",").map(Number);
const n = sizes.reduce((a, b) => a * b, 1);
const chunk = Number(values.chunk);
const path = `/tmp/shapes3d-bench-${Deno.pid}.h5`;
const out = await Deno.makeTempDir({ prefix: "shapes3d-bench-runs-" });
try {
  // 1. The file: labels of the grid, images written slab by slab.
  const t0 = performance.now();
  await h5wasm.ready;
  const labels = new Float64Array(n * 6);
  for (let i = 0; i < n; i++) {
    let rest = i;
    for (let k = 5; k >= 0; k--) {
      labels[i * 6 + k] = rest % sizes[k];
      rest = Math.floor(rest / sizes[k]);
    }
  }
  const slab = Math.min(n, 2048);
  const buffer = new Uint8Array(slab * IMAGE);
  const fill = (start: number, count: number) => {
    for (let j = 0; j < count; j++) {
      const i = start + j;
      // A picture that varies with the factors: floor / wall / object bands.
      const o = j * IMAGE;
      buffer.fill((i * 7) & 255, o, o + IMAGE / 3);
      buffer.fill((i * 13) & 255, o + IMAGE / 3, o + (2 * IMAGE) / 3);
      buffer.fill((i * 29) & 255, o + (2 * IMAGE) / 3, o + IMAGE);
    }
    return buffer.subarray(0, count * IMAGE);
  };
  const f = new h5wasm.File(path, "w");
  const images = f.create_dataset({
    name: "images",
    data: fill(0, slab),
    shape: [slab, 64, 64, 3],
    maxshape: [null, 64, 64, 3],
    chunks: [chunk, 64, 64, 3],
    dtype: "<B",
  });
  images.resize([n, 64, 64, 3]);
  for (let start = slab; start < n; start += slab) {
    const count = Math.min(slab, n - start);
    images.write_slice([[start, start + count]], fill(start, count));
  }
  f.create_dataset({ name: "labels", data: labels, shape: [n, 6], dtype: "<d" });
  f.close();
  const bytes = (await Deno.stat(path)).size;
  console.log(
    `wrote ${path}: ${n} images (grid ${sizes.join("×")}), chunks of ${chunk}, ${
      (bytes / 2 ** 30).toFixed(2)
    } GiB in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );

  // 2. Drawing minibatches in a child of its own.
  const self = new URL(import.meta.url).pathname;
  const batches = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      self,
      "--child",
      "batches",
      "--path",
      path,
      "--batches",
      values.batches,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const b = JSON.parse(new TextDecoder().decode(batches.stdout).trim().split("\n").at(-1)!);
  console.log(
    `minibatches(): ${b.batches} of 64 at ${b.perSecond.toFixed(0)}/s, peak RSS ${
      b.peakMiB.toFixed(0)
    } MiB`,
  );

  // 3. Training from it, its peak RSS polled from /proc until it exits.
  const train = new URL("../experiments/train.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      ...["run", "-A", train, "--data", "shapes3d", "--data-path", path],
      ...["--steps", values.steps, "--out", out, "--name", "bench"],
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let peak = 0;
  const poll = setInterval(() => {
    try {
      const now = peakMiB(child.pid); // NaN while the process starts or ends
      if (now > peak) peak = now;
    } catch { /* exited */ }
  }, 100);
  const status = await child.output();
  clearInterval(poll);
  const printed = new TextDecoder().decode(status.stdout) + new TextDecoder().decode(status.stderr);
  const done = printed.split("\n").find((l) => l.startsWith("done:")) ?? printed.slice(-500);
  console.log(
    `deno task train --data shapes3d --steps ${values.steps}: exit ${status.code}, peak RSS ${
      peak.toFixed(0)
    } MiB (limit 1536 MiB)\n  ${done.slice(0, 200)}`,
  );
} finally {
  if (!values.keep) await Deno.remove(path).catch(() => {});
  await Deno.remove(out, { recursive: true }).catch(() => {});
}
