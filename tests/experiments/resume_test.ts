// An interrupted experiment continues where it stopped: finished runs are
// skipped, a run with a checkpoint resumes from it (and ends where an
// uninterrupted run ends), a run that died before its first checkpoint starts
// again, and a folder made with other settings is refused.
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runExperiment } from "../../experiments/_experiments/run_experiment.ts";
import { runTraining } from "../../experiments/_train/run_training.ts";
import { CliError } from "../../experiments/_train/cli_error.ts";
import { assertClose } from "../_helpers/assert.ts";

const PATCH = {
  betaNorms: [0.02, 0.2, 2],
  latentSizes: [3],
  steps: 4,
  batchSize: 16,
  scorePoints: 20,
  metricSamples: 200,
  reconstructionImages: 2,
  // The experiments' seeds start at 1 (tfjs itself reads a seed of 0 as "none").
  seed: 1,
};

Deno.test("re-running an interrupted experiment skips finished runs and resumes the unfinished one", async () => {
  const out = await Deno.makeTempDir({ prefix: "experiments-resume-" });
  try {
    const run = (patch: Record<string, unknown>, log: string[]) =>
      runExperiment("capacity", {
        preset: "quick",
        out,
        jobs: 1, // interrupted and resumed in this process
        patch,
        overrides: { checkpointEvery: 2 },
        io: { log: (l) => log.push(l), write: () => {}, tty: false },
      });
    const first = await run(PATCH, []);
    const runsDir = join(first.dir, "runs");
    const [a, b, c] = ["bn0.02_d3", "bn0.2_d3", "bn2_d3"].map((id) => join(runsDir, id));
    const uninterrupted = JSON.parse(readFileSync(join(b, "summary.json"), "utf8"));
    const aFinished = statSync(join(a, "summary.json")).mtimeMs;

    // b: interrupted after its checkpoint at step 2 of 4 (an interrupted process
    // leaves a checkpoint, a log up to it, status "running" and no summary).
    const bConfig = JSON.parse(readFileSync(join(b, "config.json"), "utf8")).config;
    await rm(b, { recursive: true });
    await runTraining({ ...bConfig, steps: 2, resume: false }, {
      log: () => {},
      write: () => {},
      tty: false,
    });
    await rm(join(b, "summary.json"));
    await rm(join(b, "model"), { recursive: true });
    await writeFile(join(b, "status.json"), JSON.stringify({ state: "running" }));
    // c: died before its first checkpoint.
    await rm(c, { recursive: true });
    await mkdir(join(c, "images"), { recursive: true });
    await writeFile(join(c, "status.json"), JSON.stringify({ state: "running" }));

    const log: string[] = [];
    const second = await run(PATCH, log);
    assert.ok(log.includes("run 1/3 (bn0.02_d3): finished before, skipped"), log.join("\n"));
    assert.ok(log.includes("run 2/3 (bn0.2_d3): resuming from its checkpoint"), log.join("\n"));
    assert.ok(log.some((l) => /^resuming .*bn0\.2_d3 at step 2$/.test(l)), log.join("\n"));
    assert.ok(
      log.includes("run 3/3 (bn2_d3): restarting (it stopped before its first checkpoint)"),
      log.join("\n"),
    );
    assert.equal(statSync(join(a, "summary.json")).mtimeMs, aFinished, "a was not retrained");

    // b trained steps 3 and 4 only (its log: step 2 before the interruption, step 4
    // after; nothing twice), and ended exactly where the uninterrupted run ended.
    const steps = readFileSync(join(b, "log.jsonl"), "utf8").trim().split("\n")
      .map((l) => JSON.parse(l)).filter((r) => r.train).map((r) => r.step);
    assert.deepEqual(steps, [2, 4]);
    const resumed = JSON.parse(readFileSync(join(b, "summary.json"), "utf8"));
    assert.equal(resumed.steps, 4);
    // The final model is the one the uninterrupted run reached. Not to the last
    // bit: the first Adam update after a resume differs from the uninterrupted one
    // by ~1e-7 relative (the restored optimizer state is not bit-exact), so the
    // held-out losses agree to 1e-5 (the training means differ anyway: they
    // average other windows of steps).
    const keys = Object.keys(uninterrupted.finalValidation);
    assertClose(
      keys.map((k) => resumed.finalValidation[k]),
      keys.map((k) => uninterrupted.finalValidation[k]),
      { rtol: 1e-5, atol: 1e-6, message: keys.join(",") },
    );
    assert.equal(JSON.parse(readFileSync(join(b, "status.json"), "utf8")).state, "complete");

    const rows = readFileSync(join(second.dir, "data", "runs.csv"), "utf8").trim().split("\n");
    const outcome = rows[0].split(",").indexOf("outcome");
    assert.deepEqual(rows.slice(1).map((r) => r.split(",")[outcome]), [
      "skipped",
      "resumed",
      "trained",
    ]);
    const record = JSON.parse(readFileSync(join(second.dir, "experiment.json"), "utf8"));
    assert.equal(record.sessions.length, 2);
    assert.equal(record.state, "complete");

    // A finished run made with other settings is refused, not silently reused.
    await assert.rejects(
      () => run({ ...PATCH, steps: 6 }, []),
      (e: Error) =>
        e instanceof CliError &&
        /holds a finished run made with other options \(steps 4 → 6\)/.test(e.message),
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
