// A study on a real Slurm: a one-node cluster on localhost (tests/_helpers/
// slurm.ts) runs the emitted slurm.sbatch of a CI-sized study (6 runs, one
// array task each) and its dependent report job; the report lists every run
// with the numbers a sequential local run of the same study gets. Skipped,
// saying why, when not root or when slurm-wlm and munge are not installed.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runScript } from "../_helpers/cli.ts";
import { slurmUnavailable, startSlurm } from "../_helpers/slurm.ts";
import { CLI, resultColumns, runsCsv, studyFlags } from "./_study.ts";

const unavailable = slurmUnavailable();

Deno.test({
  name: `a study's emitted Slurm array and report job give the numbers of a sequential run${
    unavailable ? ` (skipped: ${unavailable})` : ""
  }`,
  ignore: unavailable !== null,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "slurm-study-" });
    const cluster = await startSlurm();
    try {
      const local = join(out, "local");
      const onSlurm = join(out, "slurm");
      // The sequential run (this process's one worker, one thread, like each task).
      const sequential = await runScript(CLI, [
        ...studyFlags(local),
        "--jobs",
        "1",
        "--threads",
        "1",
      ]);
      assert.equal(sequential.code, 0, sequential.stderr);

      const emitted = await runScript(CLI, [
        ...studyFlags(onSlurm),
        "--emit",
        "slurm",
        "--threads",
        "1",
        "--slurm-mem",
        "1G",
        "--slurm-time",
        "00:10:00",
        "--stale-after",
        "60",
      ]);
      assert.equal(emitted.code, 0, emitted.stderr);
      const submit = emitted.stdout.trim().split("\n").at(-1)!;
      assert.match(submit, /^jid=\$\(sbatch --parsable /);
      const submitted = await new Deno.Command("bash", {
        args: ["-c", `${submit} >/dev/null && echo "$jid"`],
        env: cluster.env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(submitted.success, new TextDecoder().decode(submitted.stderr));
      const arrayJob = new TextDecoder().decode(submitted.stdout).trim().split(";")[0];
      assert.match(arrayJob, /^\d+$/);

      // Wait for the array and the report job to leave the queue.
      const dir = join(onSlurm, "capacity-quick");
      const deadline = Date.now() + 240_000;
      let queue = "";
      while (true) {
        queue = await cluster.run("/usr/bin/squeue", ["-h", "-o", "%i %j %T"]);
        if (queue.trim() === "" && existsSync(join(dir, "report.md"))) break;
        if (Date.now() > deadline) {
          const logs = existsSync(join(dir, "slurm"))
            ? [...Deno.readDirSync(join(dir, "slurm"))].map((e) =>
              `${e.name}:\n${readFileSync(join(dir, "slurm", e.name), "utf8").slice(-1500)}`
            ).join("\n")
            : "";
          throw new Error(`the jobs did not finish in 240 s; squeue:\n${queue}\n${logs}`);
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
      const logs = [...Deno.readDirSync(join(dir, "slurm"))].map((e) => e.name).sort();
      assert.equal(
        logs.filter((n) => /^capacity-quick-\d+_\d\.out$/.test(n)).length,
        6,
        logs.join(),
      );
      assert.equal(logs.filter((n) => /^capacity-quick-report-\d+\.out$/.test(n)).length, 1);

      const record = JSON.parse(readFileSync(join(dir, "experiment.json"), "utf8"));
      assert.equal(record.state, "complete");
      const report = readFileSync(join(dir, "report.md"), "utf8");
      assert.match(report, /\*\*Runs:\*\* 6 of 6 runs \(the whole study\)/);
      const expected = runsCsv(join(local, "capacity-quick"));
      const got = runsCsv(dir);
      assert.deepEqual(got.map((r) => r.run), expected.map((r) => r.run));
      for (const [i, row] of got.entries()) {
        assert.match(report, new RegExp(`\\| ${row.run.replace(/\./g, "\\.")} \\|`));
        assert.deepEqual(resultColumns(row), resultColumns(expected[i]), row.run);
      }
    } finally {
      await cluster.stop();
      await Deno.remove(out, { recursive: true });
    }
  },
});
