// --report-only: the report of whatever runs of a study have finished, which
// says which are missing ("k of n runs"), so a partial study is readable and
// a cluster's last job can write the report whatever became of the tasks.
import { useBackend } from "../../models/use_backend.ts";
import type { RunIo } from "../_train/run_training.ts";
import { readFinishedRun, runDir } from "./_finished_run.ts";
import { experimentRecord } from "./experiment_record.ts";
import { openStudy, type StudyOptions } from "./open_study.ts";
import { studyIndex } from "./study_index.ts";
import type { FinishedRun } from "./types.ts";
import { writeStudyReport } from "./write_study_report.ts";
import type { ExperimentOutcome } from "./run_experiment.ts";

/** Options of {@link reportStudy}. */
export interface ReportStudyOptions extends StudyOptions {
  readonly io: RunIo;
  /** The command line, for the report. */
  readonly command?: string;
  /**
   * Seconds without a heartbeat before a claim counts as dead.
   * @default 300
   */
  readonly staleAfter?: number;
}

/** Writes the report of experiment `name` from its finished runs; `missing` counts the others. */
export async function reportStudy(
  name: string,
  options: ReportStudyOptions,
): Promise<ExperimentOutcome & { finished: number; missing: number }> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const { io, staleAfter = 300 } = options;
  const study = await openStudy(name, { ...options, log: io.log });
  const command = options.command ??
    `deno task experiment ${name} --preset ${options.preset} --report-only`;
  const record = await experimentRecord(study, { command, started, startedAt });
  const backend = await useBackend(study.overrides.backend ?? "wasm", {
    fallback: true,
    warn: (line: string) => io.log(`warning: ${line}`),
  });
  const runs: FinishedRun[] = [];
  for (const run of study.plan) {
    const summary = await readFinishedRun(run);
    if (summary) runs.push({ ...run, dir: runDir(run), summary, outcome: "skipped" });
  }
  const missing = (await studyIndex(study.plan, study.claimsDir, { staleAfter }))
    .filter((e) => e.state !== "done");
  io.log(
    `experiment ${name} (${options.preset}): ${runs.length} of ${study.plan.length} runs finished${
      missing.length ? `; missing: ${missing.map((m) => `${m.id} (${m.state})`).join(", ")}` : ""
    }`,
  );
  const { report, results } = await writeStudyReport(study, runs, {
    record,
    command,
    backend: backend.active,
    missing,
  });
  return {
    dir: study.dir,
    report,
    results,
    seconds: record.tick(),
    finished: runs.length,
    missing: missing.length,
  };
}
