// Runs one experiment end to end: plan its runs, train the unfinished ones
// (skipping finished runs, resuming interrupted ones), analyse, and write the
// report with its figures and raw data.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { VERSION } from "../_version.ts";
import { useBackend } from "../../models/use_backend.ts";
import { CliError } from "../_train/cli_error.ts";
import type { RunIo } from "../_train/run_training.ts";
import { writeCsv, writeJson } from "./data_files.ts";
import { EXPERIMENTS } from "./registry.ts";
import { writeReport } from "./report.ts";
import { runPlanned } from "./run_planned.ts";
import type { ExperimentContext, PresetName, RunOverrides } from "./types.ts";

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
}

/** What a finished experiment leaves. */
export interface ExperimentOutcome {
  dir: string;
  report: { markdown: string; html: string };
  results: Record<string, unknown>;
  /** Wall-clock seconds of this invocation. */
  seconds: number;
}

/** Runs experiment `name` as configured; throws CliError for user mistakes. */
export async function runExperiment(
  name: string,
  options: RunExperimentOptions,
): Promise<ExperimentOutcome> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const definition = EXPERIMENTS[name];
  if (!definition) {
    throw new CliError(
      `Cannot run the experiment: unknown experiment "${name}" (choose one of ${
        Object.keys(EXPERIMENTS).join(", ")
      })`,
    );
  }
  const overrides = options.overrides ?? {};
  if (overrides.data && !definition.dataChoices.includes(overrides.data)) {
    throw new CliError(
      `Cannot run the experiment ${name}: --data must be one of ${
        definition.dataChoices.join(", ")
      }, got ${overrides.data}`,
    );
  }
  const base = definition.presets[options.preset] as Record<string, unknown>;
  if (!base) {
    throw new CliError(
      `Cannot run the experiment ${name}: --preset must be quick or paper, got ${options.preset}`,
    );
  }
  for (const key of Object.keys(options.patch ?? {})) {
    if (!(key in base)) {
      throw new CliError(`Cannot run the experiment ${name}: it has no setting "${key}"`);
    }
  }
  const settings = { ...base, ...options.patch };
  const dir = join(options.out, `${name}-${options.preset}`);
  await mkdir(dir, { recursive: true });
  const context: ExperimentContext = {
    dir,
    preset: options.preset,
    overrides,
    log: options.io.log,
  };
  const backend = await useBackend(overrides.backend ?? "wasm", {
    fallback: true,
    warn: (line: string) => options.io.log(`warning: ${line}`),
  });
  options.io.log(`backend: ${backend.summary}`);

  const plan = await definition.plan(settings, context);
  const record = join(dir, "experiment.json");
  const previous = existsSync(record) ? JSON.parse(await readFile(record, "utf8")) : null;
  // Every invocation is one session; its time is updated after each run, so an
  // interrupted session still counts up to its last finished run.
  const sessions: { startedAt: string; seconds: number }[] = previous?.sessions ?? [];
  const session = { startedAt, seconds: 0 };
  sessions.push(session);
  const tick = () => session.seconds = (performance.now() - started) / 1000;
  const saveRecord = (state: string, extra: Record<string, unknown> = {}) =>
    writeFile(
      record,
      JSON.stringify(
        {
          experiment: name,
          preset: options.preset,
          state,
          version: VERSION,
          command: options.command ?? "",
          settings,
          overrides,
          runs: plan.map((r) => ({ id: r.id, labels: r.labels, seed: r.config.seed })),
          sessions,
          ...extra,
        },
        null,
        2,
      ) + "\n",
    );
  await saveRecord("running", { startedAt });
  options.io.log(`experiment ${name} (${options.preset}): ${plan.length} run(s) in ${dir}`);

  const runs = await runPlanned(plan, options.io, async () => {
    tick();
    await saveRecord("running");
  });
  options.io.log("analysing the runs and writing the report...");
  const analysis = await definition.analyse(settings, runs, context);
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
      runs.map((r) => ({
        id: r.id,
        labels: r.labels,
        config: r.config,
        summary: r.summary,
      })),
    ),
    await writeJson(dir, "results", analysis.results),
  ];
  const seconds = tick();
  const report = await writeReport(dir, {
    name,
    title: definition.title,
    paper: definition.paper,
    description: definition.description,
    provenance: definition.provenance,
    preset: options.preset,
    command: options.command ?? `deno task experiment ${name} --preset ${options.preset}`,
    settings,
    runs,
    version: VERSION,
    backend: backend.active,
    sessions,
    dataFiles: [...dataFiles, "experiment.json"],
  }, analysis.blocks);
  await saveRecord("complete", { finishedAt: new Date().toISOString(), dataFiles });
  return { dir, report, results: analysis.results, seconds };
}
