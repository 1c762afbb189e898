// --emit slurm: an array job with one task per run (`--run-index
// $SLURM_ARRAY_TASK_ID`) and a report job that runs after it whatever became
// of the tasks (`--dependency=afterany`), written into the experiment folder
// as slurm.sbatch and slurm-report.sbatch, with the command that submits both.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../../data/write_file_atomic.ts";
import type { Study } from "./open_study.ts";
import { REPORT_RESOURCES, RUN_RESOURCES } from "./run_resources.ts";
import { experimentCommand, projectRoot, shellQuote, studyArgs } from "./study_args.ts";

/** Options of {@link emitSlurm}. */
export interface EmitSlurmOptions {
  /** Partition of both jobs (default: the cluster's default partition). */
  readonly partition?: string;
  /** Time limit of one array task (default: the preset's). */
  readonly time?: string;
  /** Memory of one array task (default: the preset's). */
  readonly memory?: string;
  /** Tasks running at once (default: every run). */
  readonly parallel?: number;
  /** Threads of one run (default: the preset's CPUs per run). */
  readonly threads?: number;
  /** More sbatch options for both jobs, each string split at spaces. */
  readonly extra?: readonly string[];
  /** Seconds without a heartbeat before a claim is taken over. */
  readonly staleAfter?: number;
  /** The Deno to run (default: this one). */
  readonly deno?: string;
}

/** The files written and the command that submits them. */
export interface EmittedJobs {
  readonly files: string[];
  readonly submit: string;
}

/** Writes slurm.sbatch and slurm-report.sbatch for `study`. */
export async function emitSlurm(
  study: Study,
  options: EmitSlurmOptions = {},
): Promise<EmittedJobs> {
  const n = study.plan.length;
  const preset = RUN_RESOURCES[study.name]?.[study.preset] ??
    { cpus: 2, memory: "4G", time: "04:00:00" };
  const {
    partition,
    time = preset.time,
    memory = preset.memory,
    parallel = n,
    threads = preset.cpus,
    extra = [],
    staleAfter = 300,
    deno = Deno.execPath(),
  } = options;
  const dir = resolve(study.dir);
  const logs = join(dir, "slurm");
  await mkdir(logs, { recursive: true });
  const jobName = `${study.name}-${study.preset}`;
  const command = [...experimentCommand(deno), ...studyArgs(study)].map(shellQuote).join(" ");
  const common = (name: string) => [
    "#!/bin/bash",
    `#SBATCH --job-name=${name}`,
    `#SBATCH --chdir=${shellQuote(projectRoot())}`,
    ...(partition ? [`#SBATCH --partition=${partition}`] : []),
    "#SBATCH --nodes=1",
    "#SBATCH --ntasks=1",
    ...extra.flatMap((e) => e.split(/\s+/).filter((x) => x !== "")).map((e) => `#SBATCH ${e}`),
  ];
  const array = [
    ...common(jobName),
    `#SBATCH --array=0-${n - 1}%${parallel}`,
    `#SBATCH --cpus-per-task=${threads}`,
    `#SBATCH --mem=${memory}`,
    `#SBATCH --time=${time}`,
    `#SBATCH --output=${shellQuote(join(logs, "%x-%A_%a.out"))}`,
    "",
    `# Study ${jobName}: ${n} runs, one array task each (see --plan for the index).`,
    "# A task claims its run in the experiment folder, so a resubmitted or duplicated",
    "# task never trains a run twice, and resumes a run a dead task left behind.",
    "export NO_COLOR=1",
    `export DISENTANGLE_THREADS=${threads}`,
    `exec ${command} --threads ${threads} --stale-after ${staleAfter} --run-index "$SLURM_ARRAY_TASK_ID"`,
    "",
  ].join("\n");
  const report = [
    ...common(`${jobName}-report`),
    `#SBATCH --cpus-per-task=${REPORT_RESOURCES.cpus}`,
    `#SBATCH --mem=${REPORT_RESOURCES.memory}`,
    `#SBATCH --time=${REPORT_RESOURCES.time}`,
    `#SBATCH --output=${shellQuote(join(logs, "%x-%j.out"))}`,
    "",
    "# Submitted with --dependency=afterany on the array: writes the report from the",
    "# runs that finished and names any that did not.",
    "export NO_COLOR=1",
    `exec ${command} --stale-after ${staleAfter} --report-only`,
    "",
  ].join("\n");
  const arrayPath = join(dir, "slurm.sbatch");
  const reportPath = join(dir, "slurm-report.sbatch");
  await writeFileAtomic(arrayPath, array);
  await writeFileAtomic(reportPath, report);
  const submit = `jid=$(sbatch --parsable ${shellQuote(arrayPath)}) && ` +
    `sbatch --dependency=afterany:\${jid%%;*} ${shellQuote(reportPath)}`;
  return { files: [arrayPath, reportPath], submit };
}
