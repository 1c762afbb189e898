// Runs one experiment end to end: plan its runs, train the unfinished ones
// (skipping finished runs, resuming interrupted ones, leaving runs other
// processes hold to them and waiting for those), analyse, and write the
// report with its figures and raw data. The runs train in this process, or
// on --jobs worker processes.
import { useBackend } from "../../models/use_backend.ts";
import { CliError } from "../_train/cli_error.ts";
import type { RunIo } from "../_train/run_training.ts";
import { readFinishedRun, runDir } from "./_finished_run.ts";
import { experimentRecord } from "./experiment_record.ts";
import { openStudy } from "./open_study.ts";
import { runPlanned } from "./run_planned.ts";
import { studyIndex } from "./study_index.ts";
import type { FinishedRun, PresetName, RunOverrides } from "./types.ts";
import { runWorkers } from "./workers.ts";
import { writeStudyReport } from "./write_study_report.ts";

/** How to run an experiment. */
export interface RunExperimentOptions {
  /** "quick" or "paper". */
  preset: PresetName;
  /** Folder that holds experiment folders. */
  out: string;
  overrides?: RunOverrides;
  /** Changes to the preset's settings (tests use it to make a preset CI-sized). */
  patch?: Record<string, unknown>;
  /** The command line, for the report. */
  command?: string;
  io: RunIo;
  /**
   * Worker processes; 1 trains the runs in this process.
   * @default "auto": as many as the cores hold at `threads` each
   */
  jobs?: number | "auto";
  /**
   * Threads of one run.
   * @default DISENTANGLE_THREADS, else cores / jobs (half the cores, at least 1 and at most 4, when jobs is auto)
   */
  threads?: number;
  /**
   * Seconds without a heartbeat before a claim is taken over.
   * @default 300
   */
  staleAfter?: number;
  /**
   * End the process if another process takes over a run this one holds.
   * @default false
   */
  exitOnLostClaim?: boolean;
}

/** What a finished experiment leaves. */
export interface ExperimentOutcome {
  dir: string;
  report: { markdown: string; html: string };
  results: Record<string, unknown>;
  /** Wall-clock seconds of this invocation. */
  seconds: number;
}

/** The cores of this machine. */
export function machineCores(): number {
  return Math.max(1, navigator.hardwareConcurrency ?? 1);
}

/** Jobs and threads per job: jobs × threads stays within the cores unless both are given. */
export function shareCores(
  jobs: number | "auto",
  threads: number | undefined,
  cores = machineCores(),
): { jobs: number; threads: number } {
  let fromEnv: number | undefined;
  try {
    const raw = Deno.env.get("DISENTANGLE_THREADS");
    if (raw && Number.isInteger(Number(raw)) && Number(raw) >= 1) fromEnv = Number(raw);
  } catch { /* no --allow-env */ }
  // Auto: at least two runs at a time (each on half the cores, at most 4):
  // on 2 cores two one-thread runs trained the quick tradeoff study 1.25×
  // faster than one two-thread run at a time (README, bench:study).
  const t = threads ?? fromEnv ??
    (jobs === "auto"
      ? Math.min(4, Math.max(1, Math.floor(cores / 2)))
      : Math.max(1, Math.floor(cores / jobs)));
  return { jobs: jobs === "auto" ? Math.max(1, Math.floor(cores / t)) : jobs, threads: t };
}

/** Runs experiment `name` as configured; throws CliError for user mistakes. */
export async function runExperiment(
  name: string,
  options: RunExperimentOptions,
): Promise<ExperimentOutcome> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const { io, staleAfter = 300, exitOnLostClaim = false } = options;
  const study = await openStudy(name, { ...options, log: io.log });
  const command = options.command ?? `deno task experiment ${name} --preset ${options.preset}`;
  const record = await experimentRecord(study, { command, started, startedAt });
  await record.save("running", { startedAt });
  const { plan, dir } = study;
  const pending = (await studyIndex(plan, study.claimsDir, { staleAfter }))
    .filter((e) => e.state !== "done").map((e) => e.index);
  const share = shareCores(options.jobs ?? "auto", options.threads);
  const jobs = Math.max(1, Math.min(share.jobs, pending.length));
  const cores = machineCores();
  if (jobs * share.threads > cores) {
    io.log(
      `warning: ${jobs} jobs × ${share.threads} threads is more than the ${cores} cores here; the runs will slow each other down`,
    );
  }
  const backend = await useBackend(study.overrides.backend ?? "wasm", {
    fallback: true,
    threads: share.threads,
    warn: (line: string) => io.log(`warning: ${line}`),
  });
  io.log(`backend: ${backend.summary}`);
  io.log(
    `experiment ${name} (${options.preset}): ${plan.length} run(s) in ${dir}, ${
      plan.length - pending.length
    } finished before${
      jobs > 1 && pending.length > 0
        ? `; ${pending.length} to train on ${jobs} workers × ${share.threads} thread(s)`
        : ""
    }`,
  );

  const claims = { dir: study.claimsDir, staleAfter, exitOnLost: exitOnLostClaim };
  let failures: { id: string; error: string; log?: string }[] = [];
  const here = new Map<string, FinishedRun>();
  if (jobs > 1) {
    failures = await runWorkers(study, pending, { jobs, threads: share.threads, staleAfter, io });
  } else {
    const finished = await runPlanned(plan, io, {
      claims,
      onRunDone: async () => {
        record.tick();
        await record.save("running");
      },
      onRunFailed: (failure) => failures.push(failure),
    });
    for (const run of finished) here.set(run.id, run);
  }
  const runs: FinishedRun[] = [];
  for (const [index, run] of plan.entries()) {
    const known = here.get(run.id);
    const summary = known ? known.summary : await readFinishedRun(run);
    if (!summary) continue;
    runs.push(
      known ?? {
        ...run,
        dir: runDir(run),
        summary,
        // A worker trained it (or another process did, while this one waited).
        outcome: pending.includes(index) ? "trained" : "skipped",
      },
    );
  }
  const missing = (await studyIndex(plan, study.claimsDir, { staleAfter }))
    .filter((e) => e.state !== "done");
  io.log(
    missing.length === 0
      ? "analysing the runs and writing the report..."
      : `analysing the ${runs.length} finished runs and writing a partial report (${missing.length} missing)...`,
  );
  const { report, results } = await writeStudyReport(study, runs, {
    record,
    command,
    backend: backend.active,
    missing,
  });
  if (failures.length > 0) {
    throw new CliError(
      `Cannot finish the study: ${failures.length} of ${plan.length} runs failed (${
        failures.map((f) => `${f.id}: ${f.error}`).join("; ")
      }); the report covers the other runs and each failed run's output is in ${
        jobs > 1 ? `${dir}/study/logs/` : "its run folder"
      }; run the same command again to retry them`,
    );
  }
  return { dir, report, results, seconds: record.tick() };
}
