/**
 * `deno task bench:study`: how much faster a study trains with `--jobs 2`
 * than with `--jobs 1` when one run uses one thread, and, since one run can
 * also use every core, the best way to split the machine's cores between jobs
 * and threads. Each split trains the same study (a quick preset, by default
 * tradeoff's 6 runs) from scratch in a folder of its own, in a separate
 * process, and the wall-clock times are compared (machines of one kind
 * differ, and other work on the machine slows every split: compare ratios
 * measured in one run).
 *
 *   deno task bench:study [--experiment tradeoff] [--steps N] [--splits 1x1,2x1,1x2]
 *
 * A split JxT runs `--jobs J --threads T`; by default 1×1, 2×1 (the speed-up
 * asked about) and 1×(cores) (one run on every core).
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import os from "node:os";

const cores = navigator.hardwareConcurrency;
const { values } = parseArgs({
  args: Deno.args,
  options: {
    experiment: { type: "string", default: "tradeoff" },
    steps: { type: "string" },
    splits: { type: "string", default: `1x1,2x1,1x${Math.min(cores, 4)}` },
  },
});
const splits = values.splits.split(",").map((s) => s.trim().split("x").map(Number));
if (splits.some((s) => s.length !== 2 || s.some((n) => !Number.isInteger(n) || n < 1))) {
  console.error(
    `error: Cannot run the benchmark: --splits must be JOBSxTHREADS pairs like 1x1,2x1, got "${values.splits}"`,
  );
  Deno.exit(2);
}
if (
  values.steps !== undefined &&
  !(Number.isInteger(Number(values.steps)) && Number(values.steps) >= 1)
) {
  console.error(
    `error: Cannot run the benchmark: --steps must be an integer ≥ 1, got "${values.steps}"`,
  );
  Deno.exit(2);
}
const cli = fileURLToPath(new URL("../experiments/experiment.ts", import.meta.url));
const root = await Deno.makeTempDir({ prefix: "bench-study-" });
const extra = values.steps ? ["--steps", values.steps] : [];
console.log(
  `study throughput: ${values.experiment} (quick preset${
    values.steps ? `, ${values.steps} steps a run` : ""
  }) on ${cores} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), load average ${
    os.loadavg().map((l) => l.toFixed(1)).join(" ")
  } before`,
);
const results: { jobs: number; threads: number; seconds: number }[] = [];
try {
  for (const [jobs, threads] of splits) {
    const out = `${root}/${jobs}x${threads}`;
    const started = performance.now();
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        cli,
        values.experiment,
        "--out",
        out,
        "--jobs",
        String(jobs),
        "--threads",
        String(threads),
        ...extra,
      ],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const seconds = (performance.now() - started) / 1000;
    if (!run.success) {
      console.error(new TextDecoder().decode(run.stderr));
      throw new Error(`the ${jobs}×${threads} split failed`);
    }
    results.push({ jobs, threads, seconds });
    console.log(
      `  --jobs ${jobs} --threads ${threads}: ${seconds.toFixed(1)} s (load average now ${
        os.loadavg()[0].toFixed(1)
      })`,
    );
  }
} finally {
  await Deno.remove(root, { recursive: true });
}
const base = results.find((r) => r.jobs === 1 && r.threads === 1);
const two = results.find((r) => r.jobs === 2 && r.threads === 1);
if (base && two) {
  console.log(
    `speed-up of --jobs 2 over --jobs 1 (one thread a run): ${
      (base.seconds / two.seconds).toFixed(2)
    }×`,
  );
}
const best = results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
console.log(
  `best split here: --jobs ${best.jobs} --threads ${best.threads} (${best.seconds.toFixed(1)} s)`,
);
