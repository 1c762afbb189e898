// The options of `deno task experiment NAME`: the preset, where the
// experiment folder goes, and the changes that apply to every run.
import { parseArgs } from "node:util";
import { CliError } from "../_train/cli_error.ts";
import { BACKENDS, DATASETS } from "../_train/options.ts";
import { EXPERIMENTS } from "./registry.ts";
import { type PresetName, PRESETS, type RunOverrides } from "./types.ts";

/** The parsed command line. */
export interface ExperimentArgs {
  name: string;
  preset: PresetName;
  out: string;
  overrides: RunOverrides;
  help: boolean;
  list: boolean;
}

const INTEGER_OPTIONS = {
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
  ["--data NAME", `data set, where the experiment allows a choice (${DATASETS.join(", ")})`],
  ["--data-path PATH", "file or folder of the data (image-folder, dsprites-npz, mnist IDX folder)"],
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
  ["--list", "list the experiments"],
  ["--help", "print this help"],
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
        crops: { type: "string" },
        likelihood: { type: "string" },
        backend: { type: "string" },
        help: { type: "boolean", default: false },
        list: { type: "boolean", default: false },
        ...Object.fromEntries(Object.keys(INTEGER_OPTIONS).map((k) => [k, { type: "string" }])),
      },
    });
  } catch (e) {
    const message = (e as Error).message.split("\n")[0];
    const unknown = message.match(/Unknown option '([^']+)'/);
    throw new CliError(
      unknown
        ? `Cannot read the options: unknown option ${unknown[1]} (see --help)`
        : `Cannot read the options: ${message}`,
    );
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
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
  if (v.crops !== undefined) overrides.crops = v.crops as string;
  if (
    (overrides.data === "image-folder" || overrides.data === "dsprites-npz") && !overrides.dataPath
  ) {
    throw new CliError(`Cannot read the options: --data ${overrides.data} needs --data-path`);
  }
  return { name, preset: preset as PresetName, out: v.out as string, overrides, help, list };
}

/** The --help text. */
export function experimentHelp(): string {
  const lines = [
    "Run one of the seed papers' studies end to end: train every run it needs (finished runs are",
    "skipped and interrupted ones resume when the same command runs again), evaluate, and write",
    "report.md, report.html, figures/ and data/ into the experiment folder.",
    "",
    "Usage: deno task experiment NAME [options]",
    "",
    "Experiments:",
    ...Object.values(EXPERIMENTS).map((e) => `  ${e.name.padEnd(12)} ${e.title}`),
    "",
    "Options:",
    ...OPTION_HELP.map(([flag, text]) => `  ${flag.padEnd(24)} ${text}`),
  ];
  return lines.join("\n");
}
