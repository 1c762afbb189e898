// The options of `deno task train`: one table gives each flag's type,
// default and help, so parsing, config files, validation and --help agree.
import { parseArgs } from "node:util";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LIKELIHOODS } from "../../losses/log_px_given_z.ts";
import { listArchitectures } from "../../models/list_architectures.ts";
import type { ObjectiveName } from "../../models/train_step.ts";
import { BACKEND_NAMES } from "../../models/use_backend.ts";
import { CliError } from "./cli_error.ts";
import { datasetNeedsPath, DATASETS } from "./make_dataset.ts";

type Kind = "string" | "number" | "integer" | "boolean" | "list";

interface OptionSpec {
  readonly kind: Kind;
  readonly default: unknown;
  readonly help: string;
  readonly choices?: readonly string[];
  readonly min?: number;
  /** Does a change of this option make a checkpoint incompatible? */
  readonly affectsTraining?: boolean;
}

// The choices come from the code that owns them: the data sets from the loader
// table, the models from models/, the backends from useBackend, the
// likelihoods from losses/.
export { DATASETS };
export const MODELS: readonly string[] = listArchitectures().map((a) => a.name);
export const BACKENDS = BACKEND_NAMES;

// Every objective of models/, in the order --help lists them: a missing or
// unknown one is a type error.
const OBJECTIVES_LISTED = {
  "beta-tcvae": true,
  "beta-vae": true,
  vae: true,
  capacity: true,
  grouped: true,
} as const satisfies Record<ObjectiveName, true>;
export const OBJECTIVE_NAMES = Object.keys(OBJECTIVES_LISTED) as ObjectiveName[];

export const OPTIONS = {
  config: { kind: "string", default: "", help: "JSON file with any of these options (flags win)" },
  data: {
    kind: "string",
    default: "dsprites",
    choices: DATASETS,
    help:
      "data set: procedural dSprites, the original dSprites .npz, seed-001 Shapes, MNIST, or a folder of images",
    affectsTraining: true,
  },
  "data-path": {
    kind: "string",
    default: "",
    help:
      "file or folder for dsprites-npz (the .npz), mnist (IDX folder; default the bundled 10 000 digits), image-folder",
    affectsTraining: true,
  },
  "image-size": {
    kind: "integer",
    default: 64,
    min: 8,
    help: "image side for shapes (28 or 64) and image-folder",
    affectsTraining: true,
  },
  channels: {
    kind: "integer",
    default: 3,
    min: 1,
    help: "image-folder: 1 (grey) or 3 (RGB) channels",
    affectsTraining: true,
  },
  crops: {
    kind: "string",
    default: "",
    help: "image-folder: JSON or CSV file of crop boxes (path → x, y, w, h)",
    affectsTraining: true,
  },
  model: {
    kind: "string",
    default: "burgess",
    choices: MODELS,
    help: "encoder/decoder architecture",
    affectsTraining: true,
  },
  "initial-log-var": {
    kind: "number",
    default: -4,
    help:
      "starting bias of the encoder's log σ² outputs (0 starts at σ = 1, where z is noise the decoder may ignore for hundreds of steps)",
    affectsTraining: true,
  },
  objective: {
    kind: "string",
    default: "beta-tcvae",
    choices: OBJECTIVE_NAMES,
    help: "training objective",
    affectsTraining: true,
  },
  "latent-dim": {
    kind: "integer",
    default: 10,
    min: 1,
    help: "latent dimensions",
    affectsTraining: true,
  },
  beta: {
    kind: "number",
    default: 6,
    min: 0,
    help: "β: weight of the TC (beta-tcvae) or of the KL (beta-vae, grouped)",
    affectsTraining: true,
  },
  alpha: {
    kind: "number",
    default: 1,
    min: 0,
    help: "α: weight of the index-code MI (beta-tcvae)",
    affectsTraining: true,
  },
  gamma: {
    kind: "number",
    default: 1,
    min: 0,
    help:
      "γ: weight of the dimension-wise KL (beta-tcvae); of |KL − C| (capacity, where 1000 is usual)",
    affectsTraining: true,
  },
  "capacity-max": {
    kind: "number",
    default: 25,
    min: 0,
    help: "capacity objective: final C in nats",
    affectsTraining: true,
  },
  "capacity-steps": {
    kind: "integer",
    default: 100_000,
    min: 0,
    help: "capacity objective: steps over which C rises linearly from 0",
    affectsTraining: true,
  },
  "kl-warmup": {
    kind: "integer",
    default: 300,
    min: 0,
    help: "steps over which α, β and γ rise linearly from 0 to their values (0: none)",
    affectsTraining: true,
  },
  "alpha-warmup": {
    kind: "integer",
    default: -1,
    min: -1,
    help: "warm-up steps of α alone (-1: as --kl-warmup)",
    affectsTraining: true,
  },
  "beta-warmup": {
    kind: "integer",
    default: -1,
    min: -1,
    help: "warm-up steps of β alone (-1: as --kl-warmup)",
    affectsTraining: true,
  },
  "gamma-warmup": {
    kind: "integer",
    default: -1,
    min: -1,
    help: "warm-up steps of γ alone (-1: as --kl-warmup; never for capacity)",
    affectsTraining: true,
  },
  estimator: {
    kind: "string",
    default: "mss",
    choices: ["mws", "mss"],
    help: "log q(z) estimator",
    affectsTraining: true,
  },
  likelihood: {
    kind: "string",
    default: "bernoulli",
    choices: LIKELIHOODS,
    help: "observation model of the decoder",
    affectsTraining: true,
  },
  "group-sizes": {
    kind: "list",
    default: [],
    help: "grouped objective: latent group sizes, e.g. 3,3 (default: two halves)",
    affectsTraining: true,
  },
  steps: { kind: "integer", default: 1200, min: 1, help: "training steps (minibatches)" },
  "batch-size": {
    kind: "integer",
    default: 64,
    min: 2,
    help: "minibatch size",
    affectsTraining: true,
  },
  lr: { kind: "number", default: 1e-3, min: 0, help: "Adam learning rate", affectsTraining: true },
  seed: {
    kind: "integer",
    default: 0,
    min: 0,
    help: "seed of weights, shuffling and noise (same seed, same run)",
    affectsTraining: true,
  },
  "validation-fraction": {
    kind: "number",
    default: 0.01,
    min: 0,
    help: "share of the data held out for validation",
    affectsTraining: true,
  },
  "train-size": {
    kind: "integer",
    default: 0,
    min: 0,
    help: "train on a seeded subset of this many training examples (0: all of them)",
    affectsTraining: true,
  },
  backend: { kind: "string", default: "wasm", choices: BACKENDS, help: "tfjs backend" },
  "backend-fallback": {
    kind: "boolean",
    default: true,
    help: "if the backend cannot load, warn and use wasm (--no-backend-fallback: stop)",
  },
  out: { kind: "string", default: "runs", help: "folder that holds run folders" },
  name: {
    kind: "string",
    default: "",
    help: "run folder name (default: <data>-<objective>-<model>-seed<seed>)",
  },
  resume: {
    kind: "boolean",
    default: false,
    help: "continue the run in <out>/<name> from its checkpoint (unset options: the run's own)",
  },
  "log-every": { kind: "integer", default: 50, min: 1, help: "steps between log lines (JSONL)" },
  "eval-every": { kind: "integer", default: 500, min: 1, help: "steps between validation passes" },
  "checkpoint-every": { kind: "integer", default: 500, min: 1, help: "steps between checkpoints" },
  "metric-samples": {
    kind: "integer",
    default: 10_000,
    min: 100,
    help: "samples encoded for the final metrics",
  },
  "score-points": {
    kind: "integer",
    default: 100,
    min: 0,
    help:
      "training points of the β-VAE and FactorVAE scores (half as many to evaluate); 0 skips them",
  },
  help: { kind: "boolean", default: false, help: "print this help and exit" },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

/** `"latent-dim"` → `"latentDim"`, as {@link camel} does at run time. */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** What an option of each kind holds once read. */
interface KindValue {
  string: string;
  number: number;
  integer: number;
  boolean: boolean;
  list: number[];
}

/** An option's value: one of its choices if it has them, else what its kind holds. */
type OptionValue<S extends OptionSpec> = S extends { readonly choices: readonly (infer C)[] } ? C
  : KindValue[S["kind"]];

/** The resolved options, camelCased (`--latent-dim` is `latentDim`), typed from {@link OPTIONS}. */
export type TrainConfig = {
  -readonly [F in OptionName as CamelCase<F>]: OptionValue<typeof OPTIONS[F]>;
};

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The options that decide what a checkpoint holds (a resume must match them). */
export const TRAINING_KEYS: string[] = Object.entries(OPTIONS)
  .filter(([, spec]) => (spec as OptionSpec).affectsTraining)
  .map(([flag]) => camel(flag));

function coerce(flag: string, spec: OptionSpec, raw: unknown, source: string): unknown {
  const where = source === "flag" ? `--${flag}` : `"${flag}" in ${source}`;
  const fail = (what: string) => {
    throw new CliError(`Cannot read the options: ${where} ${what}, got ${JSON.stringify(raw)}`);
  };
  switch (spec.kind) {
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (raw === "true") return true;
      if (raw === "false") return false;
      return fail("must be true or false");
    case "list": {
      const items = Array.isArray(raw)
        ? raw
        : typeof raw === "string" && raw !== ""
        ? raw.split(",")
        : raw === ""
        ? []
        : fail("must be a comma-separated list of integers");
      const numbers = (items as unknown[]).map((v) => typeof v === "string" ? Number(v.trim()) : v);
      if (!numbers.every((v) => typeof v === "number" && Number.isInteger(v) && v > 0)) {
        fail("must be a comma-separated list of positive integers");
      }
      return numbers;
    }
    case "string":
      if (typeof raw !== "string") fail("must be a string");
      if (spec.choices && !spec.choices.includes(raw as string)) {
        fail(`must be one of ${spec.choices.join(", ")}`);
      }
      return raw;
    default: {
      const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
      if (typeof value !== "number" || Number.isNaN(value)) fail("must be a number");
      const v = value as number;
      if (!Number.isFinite(v)) fail("must be finite");
      if (spec.kind === "integer" && !Number.isInteger(v)) fail("must be an integer");
      if (spec.min !== undefined && v < spec.min) fail(`must be ≥ ${spec.min}`);
      return v;
    }
  }
}

/** Parses command-line arguments (and the --config file they name) into a config. */
export function parseTrainArgs(args: string[]): TrainConfig {
  const parseOptions: Record<string, { type: "string" | "boolean" }> = {};
  for (const [flag, spec] of Object.entries(OPTIONS)) {
    parseOptions[flag] = { type: (spec as OptionSpec).kind === "boolean" ? "boolean" : "string" };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: parseOptions,
      allowPositionals: false,
      allowNegative: true,
      strict: true,
    });
  } catch (e) {
    const message = (e as Error).message.split("\n")[0];
    const unknown = message.match(/Unknown option '([^']+)'/);
    throw new CliError(
      unknown
        ? `Cannot read the options: unknown option ${unknown[1]} (see --help for the list)`
        : `Cannot read the options: ${message}`,
    );
  }
  const values = parsed.values as Record<string, unknown>;
  const config: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(OPTIONS)) {
    config[camel(flag)] = (spec as OptionSpec).default;
  }
  // Options given by flag or config file; on --resume the others come from the run.
  const explicit = new Set<string>();
  const file = values.config as string | undefined;
  if (file) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      const reason = (e as { code?: string }).code === "ENOENT"
        ? "the file does not exist"
        : (e as Error).message;
      throw new CliError(`Cannot read the config file ${file}: ${reason}`);
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
      throw new CliError(
        `Cannot read the config file ${file}: it must hold a JSON object of options`,
      );
    }
    for (const [key, raw] of Object.entries(json)) {
      const flag = key.includes("-") ? key : key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const spec = (OPTIONS as Record<string, OptionSpec>)[flag];
      if (!spec || flag === "config") {
        throw new CliError(
          `Cannot read the config file ${file}: unknown option "${key}" (see --help)`,
        );
      }
      config[camel(flag)] = coerce(flag, spec, raw, file);
      explicit.add(camel(flag));
    }
  }
  for (const [flag, raw] of Object.entries(values)) {
    const spec = (OPTIONS as Record<string, OptionSpec>)[flag];
    config[camel(flag)] = coerce(flag, spec, raw, "flag");
    explicit.add(camel(flag));
  }
  const c = config as unknown as TrainConfig;
  if (c.name === "") c.name = `${c.data}-${c.objective}-${c.model}-seed${c.seed}`;
  if (c.resume) resumeDefaults(config, explicit, join(c.out, c.name, "config.json"));
  if (c.validationFraction >= 1) {
    throw new CliError(
      `Cannot read the options: --validation-fraction must be < 1, got ${c.validationFraction}`,
    );
  }
  if (c.groupSizes.length > 0 && c.groupSizes.reduce((a, b) => a + b, 0) !== c.latentDim) {
    throw new CliError(
      `Cannot read the options: --group-sizes ${c.groupSizes.join(",")} add up to ${
        c.groupSizes.reduce((a, b) => a + b, 0)
      }, not --latent-dim ${c.latentDim}`,
    );
  }
  if (datasetNeedsPath(c.data) && c.dataPath === "") {
    throw new CliError(`Cannot read the options: --data ${c.data} needs --data-path`);
  }
  if (c.channels !== 1 && c.channels !== 3) {
    throw new CliError(`Cannot read the options: --channels must be 1 or 3, got ${c.channels}`);
  }
  return c;
}

// Options a run folder does not decide: where it is and how this call behaves.
const NOT_FROM_RUN = new Set(["config", "help", "out", "name", "resume"]);

/**
 * `--resume` continues a run as it was configured: every option not given by
 * flag or config file takes the run's saved value (so `--name X --resume` is
 * enough); given ones still have to match (run_training checks the hash).
 * A missing config.json is left to run_training, which names the folder.
 */
function resumeDefaults(config: Record<string, unknown>, explicit: Set<string>, path: string) {
  if (!existsSync(path)) return;
  let saved: unknown;
  try {
    saved = (JSON.parse(readFileSync(path, "utf8")) as { config?: unknown }).config;
  } catch (e) {
    throw new CliError(`Cannot resume: ${path} is not readable JSON (${(e as Error).message})`);
  }
  if (saved === null || typeof saved !== "object" || Array.isArray(saved)) {
    throw new CliError(`Cannot resume: ${path} holds no "config" object`);
  }
  for (const [flag, spec] of Object.entries(OPTIONS as Record<string, OptionSpec>)) {
    const key = camel(flag);
    if (NOT_FROM_RUN.has(key) || explicit.has(key) || !(key in saved)) continue;
    config[key] = coerce(flag, spec, (saved as Record<string, unknown>)[key], path);
  }
}

/** The --help text. */
export function trainHelp(): string {
  const lines = [
    "Train a disentangled VAE and write a run folder (config, JSONL log, checkpoints, model, images, metrics).",
    "",
    "Usage: deno task train [options]",
    "",
    "Options (a --config JSON file may set any of them, by flag name or camelCase):",
  ];
  for (const [flag, spec] of Object.entries(OPTIONS) as [string, OptionSpec][]) {
    const value = spec.kind === "boolean"
      ? ""
      : spec.kind === "list"
      ? " LIST"
      : spec.kind === "string"
      ? " TEXT"
      : " N";
    const def = spec.kind === "boolean" || spec.default === "" ||
        (Array.isArray(spec.default) && spec.default.length === 0)
      ? ""
      : ` (default ${spec.default})`;
    const choices = spec.choices ? ` [${spec.choices.join("|")}]` : "";
    lines.push(`  --${flag}${value}`.padEnd(30) + ` ${spec.help}${choices}${def}`);
  }
  return lines.join("\n");
}
