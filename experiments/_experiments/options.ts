// The options of `deno task experiment NAME`: the preset, where the
// experiment folder goes, and the changes that apply to every run.
import { parseArgs } from "node:util";
import { CliError } from "../_train/cli_error.ts";
import { BACKENDS, DATASETS, OPTIONS, readTrainFlag } from "../_train/options.ts";
import { dataPathHelp, datasetHelp, datasetNeedsPath } from "../_train/make_dataset.ts";
import { EXPERIMENTS } from "./registry.ts";
import { type PresetName, PRESETS, type RunOverrides } from "./types.ts";

/** How a study is run: the whole of it here, some runs of it, its index, a report, a batch script. */
export interface StudyArgs {
  /** --plan: print the study index and exit. */
  plan: boolean;
  /** --json: the index as JSON lines (with --plan). */
  json: boolean;
  /** --run-index: the runs to train (a list or ranges), without the report. */
  runIndex?: string;
  /** --jobs: local worker processes ("auto": as many as the cores hold at --threads each). */
  jobs: number | "auto";
  /** --threads: threads of one run (default: DISENTANGLE_THREADS, else half the cores up to 4, or cores / jobs). */
  threads?: number;
  /** --emit: write a batch script for this scheduler and exit. */
  emit?: "slurm" | "k8s";
  /** --report-only: write the report from the finished runs. */
  reportOnly: boolean;
  /** --stale-after: seconds without a heartbeat after which a claim is taken over. */
  staleAfter: number;
  slurm: { partition?: string; time?: string; parallel?: number; mem?: string; extra: string[] };
  k8s: { image?: string; volume?: string; parallel?: number };
}

/** The parsed command line. */
export interface ExperimentArgs {
  name: string;
  preset: PresetName;
  out: string;
  overrides: RunOverrides;
  /** --set KEY=VALUE: changes to the preset's settings. */
  patch: Record<string, unknown>;
  study: StudyArgs;
  help: boolean;
  list: boolean;
}

/** The integer flags that change every run, and the overrides they set. */
export const INTEGER_OPTIONS = {
  steps: "steps",
  seeds: "seeds",
  "image-size": "imageSize",
  channels: "channels",
  "train-size": "trainSize",
  "metric-samples": "metricSamples",
  "score-points": "scorePoints",
  "checkpoint-every": "checkpointEvery",
} as const;

const OPTION_HELP: [string, string][] = [
  [
    "--preset quick|paper",
    "quick: minutes on 2 cores; paper: the paper's settings (default quick)",
  ],
  [
    "--out DIR",
    "folder of experiment folders; this one is DIR/NAME-PRESET (default runs/experiments)",
  ],
  ["--data NAME", `${datasetHelp()}; each experiment's choices are listed above`],
  ["--data-path PATH", dataPathHelp()],
  ["--factor-sizes LIST", OPTIONS["factor-sizes"].help],
  ["--image-size N", "image side for image-folder and shapes"],
  ["--channels 1|3", "image-folder: grey or RGB"],
  ["--crops FILE", "image-folder: crop boxes (e.g. Stanford Dogs' bounding boxes)"],
  ["--steps N", "training steps of every run (overrides the preset)"],
  ["--seeds N", "seeds per configuration, for the multi-seed experiments"],
  ["--train-size N", "train on a seeded subset of N examples"],
  ["--metric-samples N", "samples encoded for each run's final metrics"],
  ["--score-points N", "training points of the β-VAE and FactorVAE scores"],
  ["--likelihood NAME", "bernoulli, gaussian or laplace"],
  ["--backend NAME", `tfjs backend (${BACKENDS.join(", ")}; default wasm)`],
  ["--checkpoint-every N", "steps between checkpoints"],
  [
    "--set KEY=VALUE",
    "change a setting of the preset (JSON value, e.g. --set betas=[1,3]; repeatable; see --plan)",
  ],
  ["--list", "list the experiments"],
  ["--help", "print this help"],
];

const STUDY_HELP: [string, string][] = [
  ["--plan", "print the study index: index, run, the settings that vary, state; then exit"],
  ["--json", "with --plan: one JSON object per line (index, id, settings, state)"],
  ["--run-index LIST", "train only these runs (e.g. 3 or 0,3,5-9) and exit without the report"],
  [
    "--jobs N|auto",
    "local worker processes (default auto: cores / threads per run; 1 trains in this process)",
  ],
  [
    "--threads N",
    "threads of one run (default DISENTANGLE_THREADS, else cores / jobs; with auto jobs half the cores, at most 4)",
  ],
  ["--report-only", "write the report from the finished runs (says which are missing)"],
  ["--stale-after S", "seconds without a heartbeat before a claim is taken over (default 300)"],
  ["--emit slurm|k8s", "write slurm.sbatch or k8s-indexed-job.yaml into the folder; then exit"],
  ["--slurm-partition P", "partition of the Slurm jobs (default: the cluster's default)"],
  ["--slurm-time T", "time limit of one array task (default: the preset's, e.g. 00:45:00)"],
  ["--slurm-mem M", "memory of one array task (default: the preset's, e.g. 4G)"],
  ["--slurm-parallel P", "array tasks running at once, the %P of --array (default: every run)"],
  [
    "--slurm-extra=ARGS",
    "more sbatch options for both jobs, e.g. --slurm-extra=--account=abc (repeatable)",
  ],
  ["--k8s-image IMAGE", "container image with Deno (default denoland/deno:2.9.6)"],
  ["--k8s-volume CLAIM", "PersistentVolumeClaim holding this checkout (default disentangle-study)"],
  ["--k8s-parallel P", "pods running at once (default: every run)"],
];

/** Parses `deno task experiment` arguments. */
export function parseExperimentArgs(args: string[]): ExperimentArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        preset: { type: "string", default: "quick" },
        out: { type: "string", default: "runs/experiments" },
        data: { type: "string" },
        "data-path": { type: "string" },
        "factor-sizes": { type: "string" },
        crops: { type: "string" },
        likelihood: { type: "string" },
        backend: { type: "string" },
        help: { type: "boolean", default: false },
        list: { type: "boolean", default: false },
        set: { type: "string", multiple: true },
        plan: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        "run-index": { type: "string" },
        jobs: { type: "string" },
        threads: { type: "string" },
        emit: { type: "string" },
        "report-only": { type: "boolean", default: false },
        "stale-after": { type: "string" },
        "slurm-partition": { type: "string" },
        "slurm-time": { type: "string" },
        "slurm-mem": { type: "string" },
        "slurm-parallel": { type: "string" },
        "slurm-extra": { type: "string", multiple: true },
        "k8s-image": { type: "string" },
        "k8s-volume": { type: "string" },
        "k8s-parallel": { type: "string" },
        ...Object.fromEntries(Object.keys(INTEGER_OPTIONS).map((k) => [k, { type: "string" }])),
      },
    });
  } catch (e) {
    const message = (e as Error).message.split("\n")[0];
    const unknown = message.match(/Unknown option '([^']+)'/);
    const ambiguous = message.match(/Option '([^']+)' argument is ambiguous/);
    throw new CliError(
      unknown
        ? `Cannot read the options: unknown option ${unknown[1]} (see --help)`
        : ambiguous
        ? `Cannot read the options: the value of ${ambiguous[1]} starts with "-"; write ${
          ambiguous[1]
        }=VALUE${ambiguous[1] === "--slurm-extra" ? " (e.g. --slurm-extra=--account=abc)" : ""}`
        : `Cannot read the options: ${message}`,
    );
  }
  const v = parsed.values as unknown as Record<string, string | boolean | undefined>;
  const many = parsed.values as unknown as Record<string, string[] | undefined>;
  const help = v.help === true;
  const list = v.list === true;
  if (parsed.positionals.length > 1) {
    throw new CliError(
      `Cannot read the options: give one experiment name, got ${parsed.positionals.join(" ")}`,
    );
  }
  const name = parsed.positionals[0] ?? "";
  if (!help && !list) {
    if (name === "") {
      throw new CliError(
        `Cannot run an experiment: name one (${Object.keys(EXPERIMENTS).join(", ")})`,
      );
    }
    if (!EXPERIMENTS[name]) {
      throw new CliError(
        `Cannot run an experiment: unknown experiment "${name}" (choose one of ${
          Object.keys(EXPERIMENTS).join(", ")
        })`,
      );
    }
  }
  const preset = v.preset as string;
  if (!(PRESETS as readonly string[]).includes(preset)) {
    throw new CliError(`Cannot read the options: --preset must be quick or paper, got "${preset}"`);
  }
  const overrides: RunOverrides = {};
  for (const [flag, key] of Object.entries(INTEGER_OPTIONS)) {
    const raw = v[flag] as string | undefined;
    if (raw === undefined) continue;
    const n = Number(raw);
    const min = key === "trainSize" ? 0 : 1;
    if (raw.trim() === "" || !Number.isInteger(n) || n < min) {
      throw new CliError(
        `Cannot read the options: --${flag} must be an integer ≥ ${min}, got "${raw}"`,
      );
    }
    (overrides as Record<string, number>)[key] = n;
  }
  if (overrides.channels !== undefined && overrides.channels !== 1 && overrides.channels !== 3) {
    throw new CliError(
      `Cannot read the options: --channels must be 1 or 3, got ${overrides.channels}`,
    );
  }
  if (v.data !== undefined) {
    if (!(DATASETS as readonly string[]).includes(v.data as string)) {
      throw new CliError(
        `Cannot read the options: --data must be one of ${DATASETS.join(", ")}, got "${v.data}"`,
      );
    }
    overrides.data = v.data as RunOverrides["data"];
  }
  if (v.likelihood !== undefined) {
    if (!["bernoulli", "gaussian", "laplace"].includes(v.likelihood as string)) {
      throw new CliError(
        `Cannot read the options: --likelihood must be bernoulli, gaussian or laplace, got "${v.likelihood}"`,
      );
    }
    overrides.likelihood = v.likelihood as RunOverrides["likelihood"];
  }
  if (v.backend !== undefined) {
    if (!(BACKENDS as readonly string[]).includes(v.backend as string)) {
      throw new CliError(
        `Cannot read the options: --backend must be one of ${
          BACKENDS.join(", ")
        }, got "${v.backend}"`,
      );
    }
    overrides.backend = v.backend as RunOverrides["backend"];
  }
  if (v["data-path"] !== undefined) overrides.dataPath = v["data-path"] as string;
  if (v["factor-sizes"] !== undefined) {
    overrides.factorSizes = readTrainFlag("factor-sizes", v["factor-sizes"] as string) as number[];
  }
  if (v.crops !== undefined) overrides.crops = v.crops as string;
  if (overrides.data !== undefined && datasetNeedsPath(overrides.data) && !overrides.dataPath) {
    throw new CliError(`Cannot read the options: --data ${overrides.data} needs --data-path`);
  }
  const patch = parsePatch(many.set ?? []);
  const study = parseStudyArgs(v, many);
  return {
    name,
    preset: preset as PresetName,
    out: v.out as string,
    overrides,
    patch,
    study,
    help,
    list,
  };
}

/** --set KEY=VALUE pairs: VALUE as JSON where it parses, else as a string. */
function parsePatch(pairs: string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      throw new CliError(`Cannot read the options: --set needs KEY=VALUE, got "${pair}"`);
    }
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch { /* a plain string */ }
    patch[pair.slice(0, at)] = value;
  }
  return patch;
}

function positiveInteger(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < 1) {
    throw new CliError(`Cannot read the options: --${flag} must be an integer ≥ 1, got "${raw}"`);
  }
  return n;
}

function parseStudyArgs(
  v: Record<string, string | boolean | undefined>,
  many: Record<string, string[] | undefined>,
): StudyArgs {
  const modes = (["plan", "run-index", "emit", "report-only"] as const).filter((k) =>
    v[k] !== undefined && v[k] !== false
  );
  if (modes.length > 1) {
    throw new CliError(
      `Cannot read the options: --${modes[0]} and --${modes[1]} cannot be combined`,
    );
  }
  if (v.json === true && v.plan !== true) {
    throw new CliError("Cannot read the options: --json goes with --plan");
  }
  const emit = v.emit as string | undefined;
  if (emit !== undefined && emit !== "slurm" && emit !== "k8s") {
    throw new CliError(`Cannot read the options: --emit must be slurm or k8s, got "${emit}"`);
  }
  const jobsRaw = v.jobs as string | undefined;
  if (jobsRaw !== undefined && modes.length > 0) {
    throw new CliError(`Cannot read the options: --jobs does not go with --${modes[0]}`);
  }
  const jobs = jobsRaw === undefined || jobsRaw === "auto"
    ? "auto"
    : positiveInteger("jobs", jobsRaw)!;
  let staleAfter = 300;
  if (v["stale-after"] !== undefined) {
    staleAfter = Number(v["stale-after"]);
    if (!(staleAfter > 0) || !Number.isFinite(staleAfter)) {
      throw new CliError(
        `Cannot read the options: --stale-after must be a number of seconds > 0, got "${
          v["stale-after"]
        }"`,
      );
    }
  }
  const time = v["slurm-time"] as string | undefined;
  if (time !== undefined && !/^(\d+-)?\d+(:\d{2}){0,2}$/.test(time)) {
    throw new CliError(
      `Cannot read the options: --slurm-time must be a Slurm time such as 90, 02:00:00 or 1-12:00:00, got "${time}"`,
    );
  }
  const mem = v["slurm-mem"] as string | undefined;
  if (mem !== undefined && !/^\d+[KMGT]?$/.test(mem)) {
    throw new CliError(
      `Cannot read the options: --slurm-mem must be a size such as 4G or 4000M, got "${mem}"`,
    );
  }
  const slurmOnly = ["slurm-partition", "slurm-time", "slurm-mem", "slurm-parallel", "slurm-extra"];
  const k8sOnly = ["k8s-image", "k8s-volume", "k8s-parallel"];
  for (const [flags, target] of [[slurmOnly, "slurm"], [k8sOnly, "k8s"]] as const) {
    const given = flags.find((f) => v[f] !== undefined);
    if (given && emit !== target) {
      throw new CliError(`Cannot read the options: --${given} goes with --emit ${target}`);
    }
  }
  return {
    plan: v.plan === true,
    json: v.json === true,
    ...(v["run-index"] !== undefined ? { runIndex: v["run-index"] as string } : {}),
    jobs,
    ...(v.threads !== undefined
      ? { threads: positiveInteger("threads", v.threads as string) }
      : {}),
    ...(emit ? { emit: emit as "slurm" | "k8s" } : {}),
    reportOnly: v["report-only"] === true,
    staleAfter,
    slurm: {
      partition: v["slurm-partition"] as string | undefined,
      time,
      mem,
      parallel: positiveInteger("slurm-parallel", v["slurm-parallel"] as string | undefined),
      extra: many["slurm-extra"] ?? [],
    },
    k8s: {
      image: v["k8s-image"] as string | undefined,
      volume: v["k8s-volume"] as string | undefined,
      parallel: positiveInteger("k8s-parallel", v["k8s-parallel"] as string | undefined),
    },
  };
}

/** The --help text. */
export function experimentHelp(): string {
  const lines = [
    "Run one of the seed papers' studies end to end: train every run it needs (finished runs are",
    "skipped and interrupted ones resume when the same command runs again), evaluate, and write",
    "report.md, report.html, figures/ and data/ into the experiment folder.",
    "",
    "Usage: deno task experiment NAME [options]",
    "       deno task experiment NAME --plan | --run-index LIST | --jobs N | --report-only",
    "       deno task experiment NAME --emit slurm|k8s",
    "",
    "Experiments:",
    ...Object.values(EXPERIMENTS).flatMap((e) => [
      `  ${e.name.padEnd(12)} ${e.title}`,
      `  ${"".padEnd(12)} data: ${e.dataChoices.join(", ")} (default ${e.dataChoices[0]})`,
    ]),
    "",
    "Options:",
    ...OPTION_HELP.map(([flag, text]) => `  ${flag.padEnd(24)} ${text}`),
    "",
    "A study on many cores or machines (every run has an index; a run is claimed in the",
    "experiment folder, so any number of processes can share it and each run trains once):",
    ...STUDY_HELP.map(([flag, text]) => `  ${flag.padEnd(24)} ${text}`),
  ];
  return lines.join("\n");
}
