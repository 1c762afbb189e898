/**
 * `deno task bench`: steps/s of the β-TCVAE training step (MSS, batch 64,
 * 64×64×1, 10 latents) of the Locatello MLP and the Burgess conv net on every
 * path available here, next to PyTorch's on the same objective, measured in
 * one run with the peers interleaved (machines of one kind differ by 2.5× in
 * wasm speed, so only ratios within a run mean anything).
 *
 * Paths: wasm alone (DISENTANGLE_BLAS=off, DISENTANGLE_DNNL=off) and wasm
 * with the native libraries present (OpenBLAS for matrix products, oneDNN
 * for convolutions), each on 1 thread and on every core (up to 4 threads).
 * Each runs in a process of its own (bench/_step_rate.ts), with fresh weights and
 * with a saturated decoder (every logit about −100: a trained model's
 * background), whose cost should match a fresh one's; with
 * BENCH_TRAINED_MODEL=runs/NAME/model also a real trained model against fresh
 * weights on the same dSprites batch.
 *
 * The peer is bench/torch_step.py, run by the Python named in TORCH_PYTHON
 * (default `python3`) when it can import torch; otherwise the table says
 * "peer not available". The project never depends on torch.
 *
 *   deno task bench [--seconds 6] [--rounds 1] [--json FILE]
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import os from "node:os";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "6" },
    rounds: { type: "string", default: "1" },
    json: { type: "string" },
  },
});
const seconds = Number(values.seconds), rounds = Number(values.rounds);
if (!(seconds > 0) || !Number.isInteger(rounds) || rounds < 1) {
  console.error("error: Cannot run the benchmark: --seconds must be > 0 and --rounds ≥ 1");
  Deno.exit(2);
}
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const cores = navigator.hardwareConcurrency;
const MODELS = { "locatello-mlp": "MLP (Locatello)", "burgess": "conv (Burgess)" } as const;

interface Row {
  path: string;
  threads: number;
  model: string;
  state: string;
  stepsPerSecond: number;
}

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(cmd, {
    args,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

async function library(threads: number, native: boolean): Promise<Row[]> {
  const out = await run(Deno.execPath(), ["run", "-A", here("./_step_rate.ts"), String(seconds)], {
    DISENTANGLE_THREADS: String(threads),
    ...(native ? {} : { DISENTANGLE_BLAS: "off", DISENTANGLE_DNNL: "off" }),
  });
  if (out.code !== 0) throw new Error(`the wasm step on ${threads} threads failed:\n${out.stderr}`);
  return out.stdout.trim().split("\n").filter((l) => l.startsWith("{")).map((l) => {
    const r = JSON.parse(l);
    if (native && !r.native && !r.convolutions) nativeMissing = true;
    if (native) {
      if (r.native) nativeParts.add("OpenBLAS");
      if (r.convolutions) nativeParts.add("oneDNN");
    }
    return {
      path: native ? "native" : "wasm",
      threads: r.threads,
      model: r.model,
      state: r.state,
      stepsPerSecond: r.stepsPerSecond,
    };
  });
}

const python = Deno.env.get("TORCH_PYTHON") ?? "python3";
let torchVersion: string | undefined;
try {
  const probe = await run(python, ["-c", "import torch; print(torch.__version__)"]);
  if (probe.code === 0) torchVersion = probe.stdout.trim().split("\n").at(-1);
} catch { /* no such interpreter */ }

async function peer(threads: number): Promise<Row[]> {
  if (torchVersion === undefined) return [];
  const out = await run(python, [
    here("./torch_step.py"),
    String(threads),
    "tcvae",
    String(seconds),
  ]);
  if (out.code !== 0) throw new Error(`the PyTorch peer failed:\n${out.stderr}`);
  const rows: Row[] = [];
  for (const line of out.stdout.split("\n")) {
    const m = line.match(/threads=(\d+) tcvae (.+): ([\d.]+) steps\/s/);
    if (!m) continue;
    const model = Object.entries(MODELS).find(([, label]) => label === m[2])?.[0] ?? m[2];
    rows.push({
      path: "pytorch",
      threads: Number(m[1]),
      model,
      state: "fresh",
      stepsPerSecond: Number(m[3]),
    });
  }
  return rows;
}

const threadCounts = [...new Set([1, Math.min(cores, 4)])];
let nativeMissing = false;
/** The native libraries the "native" path loaded, for its label. */
const nativeParts = new Set<string>();
const rows: Row[] = [];
for (let r = 0; r < rounds; r++) {
  for (const t of threadCounts) {
    console.error(`round ${r + 1}/${rounds}: wasm on ${t} thread(s) ...`);
    rows.push(...await library(t, false));
    if (!nativeMissing) {
      console.error(`round ${r + 1}/${rounds}: wasm + native libraries on ${t} thread(s) ...`);
      const native = await library(t, true);
      if (!nativeMissing) rows.push(...native);
    }
    if (torchVersion !== undefined) {
      console.error(`round ${r + 1}/${rounds}: PyTorch ${torchVersion} on ${t} thread(s) ...`);
      rows.push(...await peer(t));
    }
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rate = (path: string, threads: number, model: string, state = "fresh") => {
  const xs = rows.filter((r) =>
    r.path === path && r.threads === threads && r.model === model && r.state === state
  ).map((r) => r.stepsPerSecond);
  return xs.length === 0 ? undefined : mean(xs);
};
const fmt = (x: number | undefined, digits = 2) => (x === undefined ? "–" : x.toFixed(digits));
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(
  `β-TCVAE step (MSS, batch 64, 64×64×1, 10 latents); ${cores} cores, ${cpu}; ${
    new Date().toISOString().slice(0, 10)
  }`,
);
console.log(
  torchVersion === undefined
    ? `PyTorch: peer not available (${python} cannot import torch; set TORCH_PYTHON)`
    : `PyTorch ${torchVersion} (${python})`,
);
console.log("");
console.log(
  "| model | path | threads | steps/s | saturated decoder | saturated cost | PyTorch same threads | ratio |",
);
console.log("|---|---|---|---|---|---|---|---|");
const paths = nativeMissing ? ["wasm"] : ["wasm", "native"];
const label = (path: string) =>
  path === "native" ? ["wasm", ...[...nativeParts].sort()].join(" + ") : "wasm";
const most = Math.max(...threadCounts);
for (const [model, name] of Object.entries(MODELS)) {
  for (const path of paths) {
    for (const t of threadCounts) {
      const fresh = rate(path, t, model), sat = rate(path, t, model, "saturated");
      const torch = rate("pytorch", t, model);
      console.log(
        `| ${name} | ${label(path)} | ${t} | ${fmt(fresh)} | ${fmt(sat)} | ${
          fresh && sat ? `${(fresh / sat).toFixed(2)}×` : "–"
        } | ${torch === undefined ? "peer not available" : fmt(torch)} | ${
          fresh && torch ? `${(fresh / torch).toFixed(2)}×` : "–"
        } |`,
      );
    }
  }
}
console.log("");
const torchAll = (model: string) => rate("pytorch", most, model);
for (const [model, name] of Object.entries(MODELS)) {
  for (const path of paths) {
    const best = Math.max(...threadCounts.map((t) => rate(path, t, model) ?? 0));
    const peer = torchAll(model);
    console.log(
      `${name}, ${label(path)} (best thread count) vs PyTorch on every core: ${
        peer ? `${(best / peer).toFixed(2)}×` : "peer not available"
      }`,
    );
  }
}
if (Deno.env.get("BENCH_TRAINED_MODEL")) {
  console.log("");
  for (const path of paths) {
    for (const t of threadCounts) {
      const trainedRows = rows.filter((r) => r.path === path && r.threads === t);
      const of = (state: string) => trainedRows.find((r) => r.state === state)?.stepsPerSecond;
      const fresh = of("fresh-dsprites"), trained = of("trained");
      if (fresh && trained) {
        console.log(
          `trained model (${Deno.env.get("BENCH_TRAINED_MODEL")}), ${
            label(path)
          }, ${t} thread(s): ${trained.toFixed(2)} steps/s against ${
            fresh.toFixed(2)
          } fresh on the same dSprites batch (cost ${(fresh / trained).toFixed(2)}×)`,
        );
      }
    }
  }
}
if (nativeMissing) {
  console.log("native path: not available here (no OpenBLAS or oneDNN, or no --allow-ffi)");
}
if (values.json) {
  await Deno.writeTextFile(
    values.json,
    JSON.stringify({ cores, cpu, torch: torchVersion ?? null, rows }, null, 2),
  );
}
