// The study machinery without training: --run-index lists, the options'
// answers to bad input, claims (exclusive, taken over when dead or stale,
// released as done or failed), the index --plan prints, the emitted Slurm and
// Kubernetes jobs, atomic writes and checkpoint recovery.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "npm:yaml@2.9.1";
import { writeFileAtomic } from "../../data/write_file_atomic.ts";
import { recoverCheckpoint } from "../../models/recover_checkpoint.ts";
import { claimRun } from "../../experiments/_experiments/claims.ts";
import {
  bootId,
  bootTime,
  hostName,
  processStart,
} from "../../experiments/_experiments/_claim_files.ts";
import { readClaim } from "../../experiments/_experiments/read_claim.ts";
import { emitK8s } from "../../experiments/_experiments/emit_k8s.ts";
import { emitSlurm } from "../../experiments/_experiments/emit_slurm.ts";
import { openStudy } from "../../experiments/_experiments/open_study.ts";
import { parseExperimentArgs } from "../../experiments/_experiments/options.ts";
import { parseRunIndices } from "../../experiments/_experiments/parse_run_indices.ts";
import { shareCores } from "../../experiments/_experiments/run_experiment.ts";
import { formatStudyIndex, studyIndex } from "../../experiments/_experiments/study_index.ts";
import { CliError } from "../../experiments/_train/cli_error.ts";
import { assertThrowsWith } from "../_helpers/assert.ts";
import { runScript } from "../_helpers/cli.ts";

const CLI = new URL("../../experiments/experiment.ts", import.meta.url).pathname;

/** A capacity study of 6 runs (3 β_norm × 2 latent sizes) of 4 steps. */
const PATCH = { betaNorms: [0.02, 0.2, 2], latentSizes: [3, 4], batchSize: 16, seed: 1 };

Deno.test("parseRunIndices reads indices, lists and ranges, and names what is wrong", () => {
  assert.deepEqual(parseRunIndices("3", 10), [3]);
  assert.deepEqual(parseRunIndices("0,3,5-9", 10), [0, 3, 5, 6, 7, 8, 9]);
  assert.deepEqual(parseRunIndices("2,1,2,0-1", 3), [2, 1, 0]);
  assertThrowsWith(
    () => parseRunIndices("12", 12),
    CliError,
    /^Cannot read --run-index: index 12 is past the study's last run \(it has 12 runs, indices 0–11; see --plan\)$/,
  );
  assertThrowsWith(() => parseRunIndices("4-2", 9), CliError, /the range 4-2 runs backwards/);
  assertThrowsWith(() => parseRunIndices("1,x", 9), CliError, /"x" is not an index or a range/);
  assertThrowsWith(() => parseRunIndices("-1", 9), CliError, /"-1" is not an index/);
  assertThrowsWith(() => parseRunIndices("5-20", 9), CliError, /range 5-20 is past/);
});

Deno.test("the study options have defaults and refuse combinations that make no sense", () => {
  const a = parseExperimentArgs(["capacity"]);
  assert.equal(a.study.jobs, "auto");
  assert.equal(a.study.staleAfter, 300);
  assert.equal(a.study.plan, false);
  assert.deepEqual(a.patch, {});
  const b = parseExperimentArgs([
    "capacity",
    "--set",
    "betaNorms=[0.02,2]",
    "--set",
    "model=locatello-mlp",
    "--jobs",
    "2",
    "--threads",
    "1",
  ]);
  assert.deepEqual(b.patch, { betaNorms: [0.02, 2], model: "locatello-mlp" });
  assert.equal(b.study.jobs, 2);
  assert.equal(b.study.threads, 1);
  const c = parseExperimentArgs([
    "grouped",
    "--emit",
    "slurm",
    "--slurm-time",
    "1-12:00:00",
    "--slurm-extra=--account=abc --qos=long",
  ]);
  assert.equal(c.study.emit, "slurm");
  assert.equal(c.study.slurm.time, "1-12:00:00");
  assert.deepEqual(c.study.slurm.extra, ["--account=abc --qos=long"]);
  const refused: [string[], RegExp][] = [
    [["capacity", "--plan", "--run-index", "1"], /--plan and --run-index cannot be combined/],
    [["capacity", "--jobs", "0"], /--jobs must be an integer ≥ 1, got "0"/],
    [["capacity", "--jobs", "2", "--run-index", "1"], /--jobs does not go with --run-index/],
    [["capacity", "--json"], /--json goes with --plan/],
    [["capacity", "--emit", "pbs"], /--emit must be slurm or k8s, got "pbs"/],
    [["capacity", "--slurm-time", "2h"], /--slurm-time must be a Slurm time .*, got "2h"/],
    [["capacity", "--slurm-mem", "lots", "--emit", "slurm"], /--slurm-mem must be a size/],
    [["capacity", "--slurm-partition", "gpu"], /--slurm-partition goes with --emit slurm/],
    [["capacity", "--k8s-image", "x", "--emit", "slurm"], /--k8s-image goes with --emit k8s/],
    [["capacity", "--stale-after=-3"], /--stale-after must be a number of seconds > 0/],
    [
      ["capacity", "--stale-after", "-3"],
      /the value of --stale-after starts with "-"; write --stale-after=VALUE/,
    ],
    [["capacity", "--set", "betaNorms"], /--set needs KEY=VALUE, got "betaNorms"/],
    [
      ["capacity", "--emit", "slurm", "--slurm-extra", "--qos=long"],
      /the value of --slurm-extra starts with "-"; write --slurm-extra=VALUE \(e\.g\. --slurm-extra=--account=abc\)/,
    ],
  ];
  for (const [args, pattern] of refused) {
    assertThrowsWith(() => parseExperimentArgs(args), CliError, pattern);
  }
});

Deno.test("jobs and threads share the cores", () => {
  const env = Deno.env.get("DISENTANGLE_THREADS");
  Deno.env.delete("DISENTANGLE_THREADS");
  try {
    // Auto: at least two runs at a time, each on half the cores (at most 4).
    assert.deepEqual(shareCores("auto", undefined, 2), { jobs: 2, threads: 1 });
    assert.deepEqual(shareCores("auto", undefined, 1), { jobs: 1, threads: 1 });
    assert.deepEqual(shareCores("auto", undefined, 4), { jobs: 2, threads: 2 });
    assert.deepEqual(shareCores("auto", undefined, 6), { jobs: 2, threads: 3 });
    assert.deepEqual(shareCores("auto", 1, 2), { jobs: 2, threads: 1 });
    assert.deepEqual(shareCores(2, undefined, 2), { jobs: 2, threads: 1 });
    assert.deepEqual(shareCores(4, undefined, 16), { jobs: 4, threads: 4 });
    assert.deepEqual(shareCores("auto", undefined, 16), { jobs: 4, threads: 4 });
    assert.deepEqual(shareCores(3, 2, 2), { jobs: 3, threads: 2 }, "both given: as asked");
  } finally {
    if (env !== undefined) Deno.env.set("DISENTANGLE_THREADS", env);
  }
});

Deno.test("a run is claimed once; a dead or stale claim is taken over; a release says done or failed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claims-" });
  try {
    const first = await claimRun(dir, "bn0.2_d3", { staleAfter: 30 });
    assert.ok("claim" in first);
    const second = await claimRun(dir, "bn0.2_d3", { staleAfter: 30 });
    assert.ok("heldBy" in second, "a live claim is not taken");
    assert.equal(second.heldBy.record.pid, Deno.pid);
    assert.equal(second.heldBy.record.host, hostName());
    // Many claimers at once: exactly one wins.
    const many = await Promise.all(
      Array.from({ length: 8 }, () => claimRun(dir, "bn2_d3", { staleAfter: 30 })),
    );
    const winners = many.filter((r) => "claim" in r);
    assert.equal(winners.length, 1);
    await first.claim.release("failed", "Cannot train: the loss is not finite at step 3");
    const failed = await readClaim(dir, "bn0.2_d3", { staleAfter: 30 });
    assert.equal(failed?.record.state, "failed");
    assert.equal(failed?.alive, false);
    // A failed run is claimed again by the next attempt (next generation).
    const retry = await claimRun(dir, "bn0.2_d3", { staleAfter: 30 });
    assert.ok("claim" in retry);
    assert.equal(retry.claim.record.generation, 2);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith("bn0.2_d3")), [
      "bn0.2_d3.2.claim",
    ]);
    await retry.claim.release("done");
    for (const w of winners) if ("claim" in w) await w.claim.release("done");

    // A claim of a process on another machine whose heartbeat stopped 60 s ago.
    const old = new Date(Date.now() - 60_000);
    const remote = {
      id: "far",
      generation: 1,
      host: "node-17",
      pid: 4242,
      processStart: "1",
      bootId: "other",
      claimedAt: old.toISOString(),
      heartbeatSeconds: 10,
      state: "running",
    };
    writeFileSync(join(dir, "far.1.claim"), JSON.stringify(remote));
    utimesSync(join(dir, "far.1.claim"), old, old);
    const fresh = await readClaim(dir, "far", { staleAfter: 300 });
    assert.equal(fresh?.alive, true, "60 s of silence is not yet stale at 300 s");
    assert.ok("heldBy" in await claimRun(dir, "far", { staleAfter: 300 }));
    const stale = await readClaim(dir, "far", { staleAfter: 30 });
    assert.equal(stale?.alive, false);
    assert.match(stale?.deadBecause ?? "", /no heartbeat for 60 s \(stale after 30 s\)/);
    const taken = await claimRun(dir, "far", { staleAfter: 30 });
    assert.ok("claim" in taken);
    assert.equal(taken.claim.record.generation, 2);
    await taken.claim.release("done");

    // A claim of a process on this machine that has ended: taken over after two missed beats.
    const dead = new Deno.Command(Deno.execPath(), { args: ["eval", "1"] }).spawn();
    await dead.status;
    const local = {
      ...remote,
      id: "here",
      host: hostName(),
      pid: dead.pid,
      processStart: "1",
      bootId: bootId(),
      bootTime: bootTime(),
      heartbeatSeconds: 1,
    };
    const recent = new Date(Date.now() - 5_000);
    writeFileSync(join(dir, "here.1.claim"), JSON.stringify(local));
    utimesSync(join(dir, "here.1.claim"), recent, recent);
    const ended = await readClaim(dir, "here", { staleAfter: 300 });
    assert.equal(ended?.alive, false);
    assert.match(ended?.deadBecause ?? "", new RegExp(`process ${dead.pid} on .* has ended`));
    // This process is alive: its claims stay alive, however old their heartbeat.
    const mine = await claimRun(dir, "mine", { staleAfter: 300, heartbeatSeconds: 1 });
    assert.ok("claim" in mine);
    await mine.claim.release("done");
    const live = { ...local, id: "live", pid: Deno.pid, processStart: processStart(Deno.pid) };
    writeFileSync(join(dir, "live.1.claim"), JSON.stringify(live));
    utimesSync(join(dir, "live.1.claim"), recent, recent);
    assert.equal((await readClaim(dir, "live", { staleAfter: 300 }))?.alive, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the heartbeat keeps a claim fresh while the main thread is busy", async () => {
  const dir = await Deno.makeTempDir({ prefix: "heartbeat-" });
  try {
    const got = await claimRun(dir, "run", { staleAfter: 10, heartbeatSeconds: 0.2 });
    assert.ok("claim" in got);
    // A long synchronous stretch, like a big metric: the heartbeat thread beats on
    // (at least once in 3 s, even on a loaded machine).
    const end = performance.now() + 3000;
    while (performance.now() < end) { /* busy */ }
    const view = await readClaim(dir, "run", { staleAfter: 10 });
    assert.ok(view!.heartbeatAge < 2.5, `heartbeat ${view!.heartbeatAge} s ago`);
    await got.claim.release("done");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the study index shows each run's settings and state; --plan prints it", async () => {
  const out = await Deno.makeTempDir({ prefix: "study-index-" });
  try {
    const study = await openStudy("capacity", { preset: "quick", out, patch: PATCH });
    assert.equal(study.plan.length, 6);
    // run 1 finished, run 2 is held by this process, run 3 failed, run 4 was interrupted.
    const dirOf = (i: number) => join(out, "capacity-quick", "runs", study.plan[i].id);
    await Deno.mkdir(dirOf(1), { recursive: true });
    writeFileSync(join(dirOf(1), "summary.json"), "{}");
    const held = await claimRun(study.claimsDir, study.plan[2].id);
    assert.ok("claim" in held);
    const failed = await claimRun(study.claimsDir, study.plan[3].id);
    assert.ok("claim" in failed);
    await failed.claim.release("failed", "Cannot train: the loss is not finite at step 3");
    await Deno.mkdir(join(dirOf(4), "checkpoint"), { recursive: true });
    writeFileSync(join(dirOf(4), "checkpoint", "state.json"), '{"step": 2}');
    const entries = await studyIndex(study.plan, study.claimsDir);
    assert.deepEqual(entries.map((e) => e.state), [
      "pending",
      "done",
      "running",
      "failed",
      "pending",
      "pending",
    ]);
    assert.deepEqual(entries[0].settings, {
      latentDim: 3,
      beta: 0.02 * 784 / 3,
    });
    assert.equal(entries[2].claim?.pid, Deno.pid);
    assert.equal(entries[3].error, "Cannot train: the loss is not finite at step 3");
    assert.equal(entries[4].note, "resumes from step 2");
    const text = formatStudyIndex(entries, "study capacity-quick");
    assert.match(text, /^study capacity-quick: 6 runs \(1 done, 1 running, 3 pending, 1 failed\)/);
    assert.match(text, /\nindex {2}run {8}latentDim {2}beta {5}state\n/);
    assert.match(text, /\n {4}0 {2}bn0\.02_d3 {2}3 {10}5\.22667 {2}pending\n/);
    assert.match(text, new RegExp(`running on ${hostName()} pid ${Deno.pid}`));
    assert.match(text, /failed: Cannot train: the loss is not finite at step 3/);
    assert.match(text, /pending \(resumes from step 2\)/);
    await held.claim.release("done");

    const sets = Object.entries(PATCH).flatMap(([k, v]) => ["--set", `${k}=${JSON.stringify(v)}`]);
    const json = await runScript(CLI, ["capacity", "--out", out, ...sets, "--plan", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const lines = json.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 6);
    assert.deepEqual(Object.keys(lines[0]).slice(0, 3), ["index", "id", "settings"]);
    assert.deepEqual(lines.map((l) => l.state), [
      "pending",
      "done",
      "pending",
      "failed",
      "pending",
      "pending",
    ]);
    const bad = await runScript(CLI, ["capacity", "--out", out, ...sets, "--run-index", "6"]);
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr.trim(),
      "error: Cannot read --run-index: index 6 is past the study's last run (it has 6 runs, indices 0–5; see --plan)",
    );
    const unknown = await runScript(CLI, [
      "capacity",
      "--out",
      out,
      "--set",
      "betas=[1]",
      "--plan",
    ]);
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr.trim(),
      /^error: Cannot run the experiment capacity: it has no setting "betas" \(its settings: .*betaNorms/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("--emit slurm writes an array job and a dependent report job for the study", async () => {
  const out = await Deno.makeTempDir({ prefix: "emit-slurm-" });
  try {
    const sets = Object.entries(PATCH).flatMap(([k, v]) => ["--set", `${k}=${JSON.stringify(v)}`]);
    const r = await runScript(CLI, [
      "capacity",
      "--out",
      out,
      ...sets,
      "--steps",
      "4",
      "--emit",
      "slurm",
      "--slurm-partition",
      "cpu",
      "--slurm-parallel",
      "4",
      "--slurm-extra=--account=vae --qos=normal",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const dir = join(out, "capacity-quick");
    const array = readFileSync(join(dir, "slurm.sbatch"), "utf8");
    assert.match(array, /^#!\/bin\/bash\n/);
    assert.match(array, /\n#SBATCH --array=0-5%4\n/);
    assert.match(array, /\n#SBATCH --cpus-per-task=2\n#SBATCH --mem=4G\n#SBATCH --time=00:45:00\n/);
    assert.match(array, /\n#SBATCH --partition=cpu\n/);
    assert.match(array, /\n#SBATCH --account=vae\n#SBATCH --qos=normal\n/);
    assert.match(array, /--steps 4 /);
    assert.match(array, /--set 'betaNorms=\[0\.02,0\.2,2\]'/);
    assert.match(array, /--run-index "\$SLURM_ARRAY_TASK_ID"\n$/);
    const report = readFileSync(join(dir, "slurm-report.sbatch"), "utf8");
    assert.match(report, /--report-only\n$/);
    assert.match(
      r.stdout,
      /jid=\$\(sbatch --parsable .*slurm\.sbatch\) && sbatch --dependency=afterany:\$\{jid%%;\*\} .*slurm-report\.sbatch/,
    );
    // The script is valid bash.
    const syntax = await new Deno.Command("bash", { args: ["-n", join(dir, "slurm.sbatch")] })
      .output();
    assert.ok(syntax.success);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("--emit k8s writes an Indexed Job whose pods run --run-index $(JOB_COMPLETION_INDEX)", async () => {
  const root = new URL("../../", import.meta.url).pathname;
  const out = await Deno.makeTempDir({ dir: join(root, "runs"), prefix: "emit-k8s-" }).catch(
    async () => {
      await Deno.mkdir(join(root, "runs"), { recursive: true });
      return Deno.makeTempDir({ dir: join(root, "runs"), prefix: "emit-k8s-" });
    },
  );
  try {
    const study = await openStudy("capacity", { preset: "quick", out, patch: PATCH });
    const emitted = await emitK8s(study, { parallel: 3, volume: "vae-pvc" });
    const job = parseYaml(readFileSync(emitted.files[0], "utf8"));
    assert.equal(job.kind, "Job");
    assert.equal(job.spec.completionMode, "Indexed");
    assert.equal(job.spec.completions, 6);
    assert.equal(job.spec.parallelism, 3);
    const pod = job.spec.template.spec;
    assert.equal(pod.restartPolicy, "Never");
    assert.equal(pod.activeDeadlineSeconds, 45 * 60);
    const container = pod.containers[0];
    assert.equal(container.command[0], "deno");
    assert.deepEqual(container.args.slice(-2), ["--run-index", "$(JOB_COMPLETION_INDEX)"]);
    assert.ok(container.args.includes("--set"));
    assert.deepEqual(container.resources.limits, { cpu: "2", memory: "4Gi" });
    assert.equal(pod.volumes[0].persistentVolumeClaim.claimName, "vae-pvc");
    assert.equal(container.volumeMounts[0].mountPath, container.workingDir);
    const report = parseYaml(readFileSync(emitted.files[1], "utf8"));
    assert.equal(report.spec.template.spec.containers[0].args.at(-1), "--report-only");
    // An experiment folder the pods cannot see is refused.
    const outside = await openStudy("capacity", {
      preset: "quick",
      out: await Deno.makeTempDir(),
      patch: PATCH,
    });
    await assert.rejects(() => emitK8s(outside), /outside the checkout/);
    await emitSlurm(outside, { threads: 1 });
    assert.match(readFileSync(join(outside.dir, "slurm.sbatch"), "utf8"), /--cpus-per-task=1\n/);
    await Deno.remove(outside.out, { recursive: true });
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("writeFileAtomic replaces a file whole and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "summary.json");
    await writeFileAtomic(path, "old");
    await writeFileAtomic(path, "new");
    assert.equal(readFileSync(path, "utf8"), "new");
    assert.deepEqual(readdirSync(dir), ["summary.json"]);
    await assert.rejects(() => writeFileAtomic(join(dir, "no", "such"), "x"), /ENOENT|No such/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("recoverCheckpoint puts back the old checkpoint of a save killed between its renames", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ckpt = join(dir, "checkpoint");
    await Deno.mkdir(`${ckpt}.old-1-1`);
    writeFileSync(join(`${ckpt}.old-1-1`, "state.json"), '{"step":10}');
    await Deno.mkdir(`${ckpt}.tmp-1-2`); // the new one, complete or not: never trusted
    assert.equal(await recoverCheckpoint(ckpt), true);
    assert.equal(JSON.parse(readFileSync(join(ckpt, "state.json"), "utf8")).step, 10);
    assert.equal(existsSync(`${ckpt}.old-1-1`), false);
    assert.equal(await recoverCheckpoint(ckpt), false, "nothing to do with a whole checkpoint");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
