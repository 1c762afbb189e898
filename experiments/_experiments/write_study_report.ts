// Analyses the finished runs of a study and writes its report, raw data and
// experiment.json. With runs missing (a partial study, --report-only) the
// report says which ("k of n runs") and the analysis sees only those that
// finished.
import denoJson from "../../deno.json" with { type: "json" };
import { writeCsv, writeJson } from "./data_files.ts";
import type { ExperimentRecord } from "./experiment_record.ts";
import type { Study } from "./open_study.ts";
import { writeReport } from "./report.ts";
import type { StudyEntry } from "./study_index.ts";
import type { AnalysisResult, FinishedRun } from "./types.ts";

/** What a written report leaves. */
export interface StudyReport {
  readonly report: { markdown: string; html: string };
  readonly results: Record<string, unknown>;
  readonly dataFiles: string[];
}

/** Writes the report of `study` from `runs` (in plan order); `missing` lists the runs without a summary. */
export async function writeStudyReport(
  study: Study,
  runs: readonly FinishedRun[],
  {
    record,
    command,
    backend,
    missing = [],
  }: {
    record: ExperimentRecord;
    command: string;
    backend: string;
    missing?: readonly StudyEntry[];
  },
): Promise<StudyReport> {
  const { definition, settings, context, dir } = study;
  const analysis: AnalysisResult = runs.length > 0
    ? await definition.analyse(settings, [...runs], context)
    : { blocks: [], dataFiles: [], results: {} };
  const runRows = runs.map((r) => ({
    run: r.id,
    ...r.labels,
    seed: r.config.seed,
    steps: r.summary.steps,
    trainingSeconds: r.summary.seconds,
    stepsPerSecond: r.summary.stepsPerSecond,
    outcome: r.outcome,
    ...Object.fromEntries(
      Object.entries(r.summary.finalValidation ?? {}).map(([k, v]) => [`validation_${k}`, v]),
    ),
    ...Object.fromEntries(
      Object.entries(r.summary.metrics.scores).map(([k, v]) => [`metric_${k}`, v]),
    ),
  }));
  const dataFiles = [
    ...analysis.dataFiles,
    await writeCsv(dir, "runs", runRows),
    await writeJson(
      dir,
      "runs",
      runs.map((r) => ({ id: r.id, labels: r.labels, config: r.config, summary: r.summary })),
    ),
    await writeJson(dir, "results", analysis.results),
  ];
  record.tick();
  const report = await writeReport(dir, {
    name: study.name,
    title: definition.title,
    paper: definition.paper,
    description: definition.description,
    provenance: definition.provenance,
    preset: study.preset,
    command,
    settings,
    runs,
    planned: study.plan.length,
    missing: missing.map((e) => ({
      index: e.index,
      id: e.id,
      state: e.state === "failed" ? `failed: ${e.error}` : e.state,
    })),
    version: denoJson.version,
    backend,
    sessions: record.sessions,
    dataFiles: [...dataFiles, "experiment.json"],
  }, analysis.blocks);
  await record.save(missing.length === 0 ? "complete" : "partial", {
    finishedAt: new Date().toISOString(),
    dataFiles,
    ...(missing.length > 0 ? { missing: missing.map((e) => e.id) } : {}),
  });
  return { report, results: analysis.results, dataFiles };
}
