// Faults with real processes: workers killed with SIGKILL in the middle of
// training, in the middle of writing a checkpoint and between the two renames
// that replace one; a --jobs worker killed the same way; two workers started
// on the same run at once. Resubmitting finishes the study with the results
// of an uninterrupted run, and no run is trained twice.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assertClose } from "../_helpers/assert.ts";
import { EXPERIMENT_PERMISSIONS } from "../../experiments/_experiments/study_args.ts";
import { CLI, resultColumns, runsCsv, studyFlags } from "./_study.ts";

const out = await Deno.makeTempDir({ prefix: "study-faults-" });
/** Every process runs with the permissions of `deno task experiment`, not -A. */
const RUN = ["run", ...EXPERIMENT_PERMISSIONS, CLI];

async function runScript(_cli: string, args: string[]) {
  const o = await new Deno.Command(Deno.execPath(), {
    args: [...RUN, ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: o.code, stdout: d.decode(o.stdout), stderr: d.decode(o.stderr) };
}
/** 40 steps a run, a checkpoint every 5; heartbeats every second. */
const flags = (folder: string) => [
  ...studyFlags(join(out, folder), { steps: 40, every: 5 }),
  "--stale-after",
  "5",
];
const ids = ["bn0.02_d3", "bn0.2_d3", "bn2_d3", "bn0.02_d4", "bn0.2_d4", "bn2_d4"];
const runDir = (folder: string, i: number) => join(out, folder, "capacity-quick", "runs", ids[i]);
const summary = (folder: string, i: number) =>
  JSON.parse(readFileSync(join(runDir(folder, i), "summary.json"), "utf8"));

function spawn(args: string[], env: Record<string, string> = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [...RUN, ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function text(child: Deno.ChildProcess): Promise<{ code: number; out: string }> {
  const o = await child.output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout) + d.decode(o.stderr) };
}

async function until(what: string, test: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function checkpointStep(folder: string, i: number): number {
  try {
    return JSON.parse(readFileSync(join(runDir(folder, i), "checkpoint", "state.json"), "utf8"))
      .step;
  } catch {
    return 0;
  }
}

/** The training steps logged by a run (each must appear once). */
function loggedSteps(folder: string, i: number): number[] {
  return readFileSync(join(runDir(folder, i), "log.jsonl"), "utf8").trim().split("\n")
    .map((l) => JSON.parse(l)).filter((r) => r.train).map((r) => r.step);
}

/** A resumed run ends where the uninterrupted one ends (to the Adam restore's ~1e-7). */
function assertSameResults(
  got: Record<string, unknown>,
  want: Record<string, unknown>,
  what: string,
) {
  const g = got as {
    finalValidation: Record<string, number>;
    metrics: { scores: Record<string, number> };
  };
  const w = want as typeof g;
  const keys = Object.keys(w.finalValidation);
  assertClose(keys.map((k) => g.finalValidation[k]), keys.map((k) => w.finalValidation[k]), {
    rtol: 1e-5,
    atol: 1e-6,
    message: `${what}: ${keys.join(",")}`,
  });
  assert.deepEqual(Object.keys(g.metrics.scores), Object.keys(w.metrics.scores));
}

Deno.test("the uninterrupted runs", async () => {
  const r = await runScript(CLI, [...flags("clean"), "--run-index", "0-3", "--threads", "1"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /done: 4 trained, 0 finished before, 0 being trained by other processes/);
});

Deno.test("workers killed in training, in a checkpoint write and between its renames resume to the same results", async () => {
  const env = { DISENTANGLE_THREADS: "1" };
  const marks = [1, 2].map((i) => join(out, `fault-${i}`));
  const children = [
    spawn([...flags("faults"), "--run-index", "0"], env),
    spawn([...flags("faults"), "--run-index", "1"], {
      ...env,
      DISENTANGLE_FAULT_POINT: "checkpoint-write@3",
      DISENTANGLE_FAULT_FILE: marks[0],
    }),
    spawn([...flags("faults"), "--run-index", "2"], {
      ...env,
      DISENTANGLE_FAULT_POINT: "checkpoint-swap@3",
      DISENTANGLE_FAULT_FILE: marks[1],
    }),
  ];
  // Run 0: killed once its checkpoint is at step 10 or later (mid-training).
  await until("run 0's checkpoint at step 10", () => checkpointStep("faults", 0) >= 10);
  children[0].kill("SIGKILL");
  // Run 1: killed while writing its third checkpoint (optimizer.bin written, not the rest).
  await until("run 1's fault point", () => existsSync(marks[0]));
  children[1].kill("SIGKILL");
  // Run 2: killed after the old checkpoint was renamed aside, before the new one came in.
  await until("run 2's fault point", () => existsSync(marks[1]));
  children[2].kill("SIGKILL");
  for (const child of children) assert.equal((await child.status).signal, "SIGKILL");
  assert.ok(checkpointStep("faults", 0) < 40, "run 0 was killed before its end");
  assert.equal(checkpointStep("faults", 1), 10, "run 1 keeps its whole previous checkpoint");
  assert.ok(
    readdirSync(runDir("faults", 1)).some((f) => f.startsWith("checkpoint.tmp-")),
    "a half-written checkpoint beside it",
  );
  assert.equal(existsSync(join(runDir("faults", 2), "checkpoint")), false);
  assert.ok(readdirSync(runDir("faults", 2)).some((f) => f.startsWith("checkpoint.old-")));

  // --plan sees the three as pending once their holders miss two heartbeats.
  let states: string[] = [];
  await until("the dead claims to be seen as dead", () => {
    const plan = new Deno.Command(Deno.execPath(), {
      args: [...RUN, ...flags("faults"), "--plan", "--json"],
      stdout: "piped",
    }).outputSync();
    const entries = new TextDecoder().decode(plan.stdout).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    states = entries.slice(0, 3).map((e) => e.state);
    return states.every((s) => s === "pending") &&
      entries.slice(0, 3).every((e) => /has ended/.test(e.note ?? ""));
  }); // the default deadline: each --plan is a process start, seconds each when CI is busy

  // Resubmitted: every run resumes from its last whole checkpoint.
  const again = await runScript(CLI, [...flags("faults"), "--run-index", "0-2", "--threads", "1"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /done: 3 trained, 0 finished before/);
  assert.match(again.stdout, /run 1\/6 \(bn0\.02_d3\): resuming from its checkpoint/);
  assert.match(again.stdout, /run 2\/6 \(bn0\.2_d3\): resuming from its checkpoint/);
  assert.match(again.stdout, /resuming .*bn0\.2_d3 at step 10/);
  assert.match(
    again.stdout,
    /run 3\/6 \(bn2_d3\): put back the checkpoint an interrupted save had set aside/,
  );
  assert.match(again.stdout, /resuming .*bn2_d3 at step 10/);
  for (const i of [0, 1, 2]) {
    assertSameResults(summary("faults", i), summary("clean", i), ids[i]);
    const steps = loggedSteps("faults", i);
    assert.deepEqual(steps, [...new Set(steps)].sort((a, b) => a - b), `${ids[i]}: each step once`);
    assert.equal(steps.at(-1), 40);
    assert.deepEqual(
      readdirSync(runDir("faults", i)).filter((f) => f.startsWith("checkpoint")),
      [],
      "no checkpoint left behind",
    );
  }
});

Deno.test("a worker killed while saving its final model, after its last checkpoint, trains the run again to the same numbers", async () => {
  // Checkpoints at 5, 10, …, 40 save the model eight times; the ninth save is the final model/.
  const mark = join(out, "fault-final");
  const child = spawn([...flags("final"), "--run-index", "0"], {
    DISENTANGLE_THREADS: "1",
    DISENTANGLE_FAULT_POINT: "save-vae@9",
    DISENTANGLE_FAULT_FILE: mark,
  });
  await until("the final model save", () => existsSync(mark));
  child.kill("SIGKILL");
  await child.status;
  assert.equal(checkpointStep("final", 0), 40);
  assert.equal(existsSync(join(runDir("final", 0), "summary.json")), false);
  await until("the dead claim to be seen as dead", () => {
    const plan = new Deno.Command(Deno.execPath(), {
      args: [...RUN, ...flags("final"), "--plan", "--json"],
      stdout: "piped",
    }).outputSync();
    return /has ended/.test(new TextDecoder().decode(plan.stdout).split("\n")[0]);
  }, 30_000);
  const again = await runScript(CLI, [...flags("final"), "--run-index", "0", "--threads", "1"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stdout,
    /run 1\/6 \(bn0\.02_d3\): restarting \(it stopped after its last checkpoint, before its summary\)/,
  );
  assert.deepEqual(summary("final", 0).finalValidation, summary("clean", 0).finalValidation);
  assert.deepEqual(summary("final", 0).metrics.scores, summary("clean", 0).metrics.scores);
});

Deno.test("two workers started on the same run at once train it once", async () => {
  const env = { DISENTANGLE_THREADS: "1" };
  const both = [0, 1].map(() => spawn([...flags("twice"), "--run-index", "0"], env));
  const [a, b] = await Promise.all(both.map(text));
  assert.equal(a.code, 0, a.out);
  assert.equal(b.code, 0, b.out);
  const trained = [a, b].filter((r) => /run 1\/6 \(bn0\.02_d3\): training/.test(r.out));
  assert.equal(trained.length, 1, `${a.out}\n----\n${b.out}`);
  const other = [a, b].find((r) => r !== trained[0])!;
  assert.match(other.out, /being trained by .* pid \d+ .*; skipped|finished before, skipped/);
  const steps = loggedSteps("twice", 0);
  assert.deepEqual(steps, [...new Set(steps)]);
  // Fresh training on one thread: the same numbers as the clean run, exactly.
  assert.deepEqual(summary("twice", 0).finalValidation, summary("clean", 0).finalValidation);
});

Deno.test("a --jobs worker killed with SIGKILL: the study reports what finished, and a rerun completes it", async () => {
  // Runs 0-2 of "faults" are finished; --jobs 2 trains 3-5. Run 3's worker is killed.
  const coordinator = spawn([...flags("faults"), "--jobs", "2", "--threads", "1"]);
  const claimOf3 = join(out, "faults", "capacity-quick", "study", "claims", `${ids[3]}.1.claim`);
  await until("run 3's checkpoint at step 10", () => checkpointStep("faults", 3) >= 10);
  const pid = JSON.parse(readFileSync(claimOf3, "utf8")).pid;
  Deno.kill(pid, "SIGKILL");
  const first = await text(coordinator);
  assert.equal(first.code, 1, first.out);
  assert.match(first.out, /\[\d\] run 4\/6 \(bn0\.02_d4\): failed \(killed by SIGKILL\)/);
  assert.match(
    first.out,
    /error: Cannot finish the study: 1 of 6 runs failed \(bn0\.02_d4: .*\); the report covers the other runs/,
  );
  const dir = join(out, "faults", "capacity-quick");
  assert.match(
    readFileSync(join(dir, "report.md"), "utf8"),
    /\*\*Runs:\*\* 5 of 6 runs; this report is partial\. Missing: bn0\.02_d4 \(index 3, failed: its worker was killed by SIGKILL\)/,
  );
  assert.equal(JSON.parse(readFileSync(join(dir, "experiment.json"), "utf8")).state, "partial");

  // --report-only (what a cluster's report job runs) says the same.
  const only = await runScript(CLI, [...flags("faults"), "--report-only"]);
  assert.equal(only.code, 0, only.stderr);
  assert.match(only.stdout, /5 of 6 runs finished; missing: bn0\.02_d4 \(failed\)/);
  assert.match(only.stdout, /report of 5 of 6 runs: .*report\.html/);

  // The same command again resumes run 3 and completes the study.
  const second = await text(spawn([...flags("faults"), "--jobs", "2", "--threads", "1"]));
  assert.equal(second.code, 0, second.out);
  assert.match(second.out, /6 run\(s\) in .*, 5 finished before/);
  // One run left: it trains in the coordinator itself (--jobs is capped at the pending runs).
  assert.match(second.out, /run 4\/6 \(bn0\.02_d4\): resuming from its checkpoint/);
  assert.match(
    readFileSync(join(dir, "report.md"), "utf8"),
    /\*\*Runs:\*\* 6 of 6 runs \(the whole study\)/,
  );
  assertSameResults(summary("faults", 3), summary("clean", 3), ids[3]);
  const rows = runsCsv(dir);
  assert.equal(rows.length, 6);
  for (const row of rows) assert.ok(Object.values(resultColumns(row)).every(Number.isFinite));
});

Deno.test("in one process, a run that fails does not stop the study: the others train, the report is partial, the exit names the failed run", async () => {
  // Run 1's folder holds a damaged checkpoint (no config.json beside it): resuming it fails.
  const dir = join(out, "one-fails", "capacity-quick");
  const damaged = join(dir, "runs", ids[1], "checkpoint");
  await Deno.mkdir(damaged, { recursive: true });
  await Deno.writeTextFile(join(damaged, "state.json"), '{"step": 2}');
  // --jobs 1: since the automatic split trains two runs at once on 2 cores, in-process is asked for.
  const r = await runScript(CLI, [...studyFlags(join(out, "one-fails")), "--jobs", "1"]);
  const all = r.stdout + r.stderr;
  assert.equal(r.code, 1, all);
  assert.match(all, /run 2\/6 \(bn0\.2_d3\): failed: /);
  assert.match(
    r.stderr,
    /Cannot finish the study: 1 of 6 runs failed \(bn0\.2_d3: .*\); the report covers the other runs and each failed run's output is in its run folder/,
  );
  // Every other run trained, after the failure as well as before it.
  for (const i of [0, 2, 3, 4, 5]) {
    assert.ok(existsSync(join(runDir("one-fails", i), "summary.json")));
  }
  assert.match(
    readFileSync(join(dir, "report.md"), "utf8"),
    /\*\*Runs:\*\* 5 of 6 runs; this report is partial\. Missing: bn0\.2_d3 \(index 1, failed/,
  );
});

Deno.test("clean up", async () => {
  await Deno.remove(out, { recursive: true });
});
