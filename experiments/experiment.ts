/**
 * `deno task experiment NAME`: runs one of the seed papers' studies end to
 * end (tradeoff, capacity, transfer, grouped, traversals) with `--preset
 * quick` (minutes) or `--preset paper` (the paper's settings; resumable) and
 * writes report.md, report.html, figures and raw data. Every run of a study
 * has an index: `--plan` lists them, `--run-index I` trains some (what one
 * cluster task runs), `--jobs N` trains them on N local processes,
 * `--emit slurm|k8s` writes a batch job for a cluster and `--report-only`
 * reports on whatever has finished. `--help` lists options.
 *
 * @module
 */
import { CliError } from "./_train/cli_error.ts";
import { emitK8s } from "./_experiments/emit_k8s.ts";
import { emitSlurm } from "./_experiments/emit_slurm.ts";
import { openStudy } from "./_experiments/open_study.ts";
import { experimentHelp, parseExperimentArgs } from "./_experiments/options.ts";
import { EXPERIMENTS } from "./_experiments/registry.ts";
import { reportStudy } from "./_experiments/report_study.ts";
import { runExperiment } from "./_experiments/run_experiment.ts";
import { formatStudyIndex, studyIndex } from "./_experiments/study_index.ts";
import { trainRunIndices } from "./_experiments/train_run_indices.ts";

if (import.meta.main) {
  const encoder = new TextEncoder();
  try {
    const args = parseExperimentArgs(Deno.args);
    if (args.help) {
      console.log(experimentHelp());
      Deno.exit(0);
    }
    if (args.list) {
      for (const e of Object.values(EXPERIMENTS)) console.log(`${e.name.padEnd(12)} ${e.title}`);
      Deno.exit(0);
    }
    const { study: mode } = args;
    const command = ["deno task experiment", ...Deno.args].join(" ");
    // A --jobs worker shows the trainer's progress frames to its coordinator.
    let worker = false;
    try {
      worker = Deno.env.get("DISENTANGLE_STUDY_WORKER") === "1";
    } catch { /* no --allow-env */ }
    const io = {
      log: (line: string) => console.log(line),
      write: (text: string) => Deno.stdout.writeSync(encoder.encode(text)),
      tty: Deno.stdout.isTerminal() || worker,
    };
    const where = {
      preset: args.preset,
      out: args.out,
      overrides: args.overrides,
      patch: args.patch,
    };
    if (mode.plan || mode.emit) {
      const study = await openStudy(args.name, where);
      if (mode.plan) {
        const entries = await studyIndex(study.plan, study.claimsDir, {
          staleAfter: mode.staleAfter,
        });
        if (mode.json) { for (const e of entries) console.log(JSON.stringify(e)); }
        else {console.log(
            formatStudyIndex(entries, `study ${args.name}-${args.preset} (${study.dir})`),
          );}
      } else {
        const emitted = mode.emit === "slurm"
          ? await emitSlurm(study, {
            partition: mode.slurm.partition,
            time: mode.slurm.time,
            memory: mode.slurm.mem,
            parallel: mode.slurm.parallel,
            threads: mode.threads,
            extra: mode.slurm.extra,
            staleAfter: mode.staleAfter,
          })
          : await emitK8s(study, {
            image: mode.k8s.image,
            volume: mode.k8s.volume,
            parallel: mode.k8s.parallel,
            threads: mode.threads,
            staleAfter: mode.staleAfter,
          });
        console.log(`wrote ${emitted.files.join(" and ")} (${study.plan.length} runs)`);
        console.log(`submit with:\n${emitted.submit}`);
      }
      Deno.exit(0);
    }
    if (mode.runIndex !== undefined) {
      const outcome = await trainRunIndices(args.name, mode.runIndex, {
        ...where,
        io,
        threads: mode.threads,
        staleAfter: mode.staleAfter,
        exitOnLostClaim: true,
      });
      console.log(
        `done: ${outcome.trained.length} trained, ${outcome.skipped.length} finished before, ${outcome.elsewhere.length} being trained by other processes`,
      );
      Deno.exit(0);
    }
    if (mode.reportOnly) {
      const outcome = await reportStudy(args.name, {
        ...where,
        io,
        command,
        staleAfter: mode.staleAfter,
      });
      console.log(
        `report of ${outcome.finished} of ${
          outcome.finished + outcome.missing
        } runs: ${outcome.report.html}`,
      );
      Deno.exit(0);
    }
    const outcome = await runExperiment(args.name, {
      ...where,
      command,
      io,
      jobs: mode.jobs,
      threads: mode.threads,
      staleAfter: mode.staleAfter,
      exitOnLostClaim: true,
    });
    console.log(`done in ${outcome.seconds.toFixed(0)} s: ${outcome.report.html}`);
  } catch (e) {
    if (e instanceof CliError) {
      console.error(`error: ${e.message}`);
      Deno.exit(1);
    }
    throw e;
  }
}
