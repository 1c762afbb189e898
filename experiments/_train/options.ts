// The options of `deno task train`: one table gives each flag's type,
// default and help, so parsing, config files, validation and --help agree.
// The objectives' own options (their hyper-parameters and warm-ups) come from
// the objective registry of models/ (listObjectives): a run's config holds
// those of its objective only, with its defaults.
import { parseArgs } from "node:util";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LIKELIHOODS } from "../../losses/log_px_given_z.ts";
import { listArchitectures } from "../../models/list_architectures.ts";
import {
  type HyperparameterName,
  listObjectives,
  type ObjectiveListing,
  type ObjectiveName,
} from "../../models/list_objectives.ts";
import { BACKEND_NAMES } from "../../models/use_backend.ts";
import { CliError } from "./cli_error.ts";
import {
  dataPathHelp,
  datasetHelp,
  datasetNeedsPath,
  DATASETS,
  SEEDED_DATASETS,
} from "./make_dataset.ts";

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

// Every objective of models/, in the order --help lists them.
const OBJECTIVES: readonly ObjectiveListing[] = listObjectives();
export const OBJECTIVE_NAMES: ObjectiveName[] = OBJECTIVES.map((o) => o.name);

export const OPTIONS = {
  config: { kind: "string", default: "", help: "JSON file with any of these options (flags win)" },
  data: {
    kind: "string",
    default: "dsprites",
    choices: DATASETS,
    help: datasetHelp(),
    affectsTraining: true,
  },
  "data-path": {
    kind: "string",
    default: "",
    help: dataPathHelp(),
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
  "factor-sizes": {
    kind: "list",
    default: [],
    help:
      "mpi3d, shapes3d, cars3d: factor sizes of a file holding part of the grid, e.g. 2,2,2,1,1,3,2 (default: the file's own)",
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
    help: "training objective (see Objectives below); its own options follow",
    affectsTraining: true,
  },
  "latent-dim": {
    kind: "integer",
    default: 10,
    min: 1,
    help: "latent dimensions",
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
  steps: { kind: "integer", default: 3600, min: 1, help: "training steps (minibatches)" },
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
    help: `seed of weights, shuffling and noise, and of the nuisance of ${
      SEEDED_DATASETS.join(", ")
    } (same seed, same run)`,
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

/**
 * The options of the objectives (models/'s registry): each hyper-parameter,
 * the shared --kl-warmup and each weight's own warm-up. A run's config holds
 * those its objective reads, and only those.
 */
export type ObjectiveValues =
  & { -readonly [K in HyperparameterName]?: K extends "groupSizes" ? number[] : number }
  & { klWarmup?: number }
  & { -readonly [K in HyperparameterName as `${K}Warmup`]?: number };

/** The resolved options, camelCased (`--latent-dim` is `latentDim`), typed from {@link OPTIONS}. */
export type TrainConfig =
  & {
    -readonly [F in OptionName as CamelCase<F>]: OptionValue<typeof OPTIONS[F]>;
  }
  & ObjectiveValues;

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** An option only some objectives have, with each one's default. */
interface ObjectiveOptionSpec extends OptionSpec {
  /** The objectives that read it, each with its default (a number, a list, or a multiple of another option). */
  readonly defaults: ReadonlyMap<ObjectiveName, unknown>;
}

/** The objectives' options, in the order help and configs list them. */
function objectiveOptionTable(): [string, ObjectiveOptionSpec][] {
  const table = new Map<
    string,
    {
      kind: Kind;
      min: number;
      symbol: string;
      defaults: Map<ObjectiveName, unknown>;
      helps: string[];
    }
  >();
  const warmups = new Map<string, { symbol: string; objectives: ObjectiveName[] }>();
  const warmed: ObjectiveName[] = [];
  const shown = (d: unknown) =>
    Array.isArray(d)
      ? ""
      : typeof d === "object"
      ? ` (default ${
        (d as { times: number }).times === 1 ? "" : `${(d as { times: number }).times}·`
      }--${kebab((d as { of: string }).of)})`
      : ` (default ${d})`;
  for (const o of OBJECTIVES) {
    for (const h of o.hyperparameters) {
      if (h.warmup) {
        const w = warmups.get(h.name) ?? { symbol: h.symbol, objectives: [] };
        w.objectives.push(o.name);
        warmups.set(h.name, w);
        if (!warmed.includes(o.name)) warmed.push(o.name);
      }
      if (h.fixed) continue;
      const entry = table.get(h.name) ??
        { kind: h.kind, min: h.min, symbol: h.symbol, defaults: new Map(), helps: [] as string[] };
      entry.defaults.set(o.name, h.default);
      entry.helps.push(`${o.name}: ${h.help}${shown(h.default)}`);
      table.set(h.name, entry);
    }
  }
  const rows: [string, ObjectiveOptionSpec][] = [...table].map(([name, e]) => [kebab(name), {
    kind: e.kind,
    default: undefined,
    min: e.min,
    help: `${e.symbol}: ${e.helps.join("; ")}`,
    affectsTraining: true,
    defaults: e.defaults,
  }]);
  rows.push(["kl-warmup", {
    kind: "integer",
    default: 300,
    min: 0,
    help:
      `steps over which the objective's weights rise linearly from 0 to their values (0: none): ${
        warmed.map((name) =>
          `${name} ${
            OBJECTIVES.find((o) => o.name === name)!.hyperparameters.filter((h) =>
              h.warmup
            )
              .map((h) => h.symbol).join(", ")
          }`
        ).join("; ")
      }`,
    affectsTraining: true,
    defaults: new Map(warmed.map((name) => [name, 300])),
  }]);
  for (const [name, w] of warmups) {
    rows.push([`${kebab(name)}-warmup`, {
      kind: "integer",
      default: -1,
      min: -1,
      help: `warm-up steps of ${w.symbol} alone (-1: as --kl-warmup): ${w.objectives.join(", ")}`,
      affectsTraining: true,
      defaults: new Map(w.objectives.map((o) => [o, -1])),
    }]);
  }
  return rows;
}

const OBJECTIVE_OPTIONS: readonly [string, ObjectiveOptionSpec][] = objectiveOptionTable();

/** Every option in the order of --help and of a run's config: the objective's own after --latent-dim. */
const TABLE: readonly [string, OptionSpec][] = (() => {
  const base = Object.entries(OPTIONS) as [string, OptionSpec][];
  const at = base.findIndex(([flag]) => flag === "latent-dim") + 1;
  return [...base.slice(0, at), ...OBJECTIVE_OPTIONS, ...base.slice(at)];
})();
const SPECS: ReadonlyMap<string, OptionSpec> = new Map(TABLE);

/** The options that decide what a checkpoint holds (a resume must match them). */
export const TRAINING_KEYS: string[] = TABLE
  .filter(([, spec]) => spec.affectsTraining)
  .map(([flag]) => camel(flag));

/** The config keys a run of `objective` carries beyond the shared options, in config order. */
export function objectiveKeys(objective: ObjectiveName): string[] {
  return OBJECTIVE_OPTIONS.filter(([, spec]) => spec.defaults.has(objective)).map(([flag]) =>
    camel(flag)
  );
}

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

/**
 * The text of one flag read as `deno task train` reads it (its kind, choices
 * and minimum; a CliError naming `--flag` otherwise), for the command lines
 * that hand the option on to their runs (`deno task experiment`).
 */
export function readTrainFlag(flag: OptionName, raw: string): unknown {
  return coerce(flag, OPTIONS[flag], raw, "flag");
}

/** Where an option's value came from, for error messages: the flag, or a file's key. */
type Source = "flag" | string;

/** Parses command-line arguments (and the --config file they name) into a config. */
export function parseTrainArgs(args: string[]): TrainConfig {
  const parseOptions: Record<string, { type: "string" | "boolean" }> = {};
  for (const [flag, spec] of TABLE) {
    parseOptions[flag] = { type: spec.kind === "boolean" ? "boolean" : "string" };
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
  // Options given by flag or config file; on --resume the others come from the run.
  const explicit = new Map<string, { value: unknown; source: Source }>();
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
      const flag = key.includes("-") ? key : kebab(key);
      const spec = SPECS.get(flag);
      if (!spec || flag === "config") {
        throw new CliError(
          `Cannot read the config file ${file}: unknown option "${key}" (see --help)`,
        );
      }
      explicit.set(camel(flag), { value: coerce(flag, spec, raw, file), source: file });
    }
  }
  for (const [flag, raw] of Object.entries(values)) {
    explicit.set(camel(flag), {
      value: coerce(flag, SPECS.get(flag)!, raw, "flag"),
      source: "flag",
    });
  }
  return resolveConfig(explicit);
}

/**
 * The config a run of `values` trains with, as if they came from a --config
 * file: the defaults (its objective's among them) for everything not given,
 * and a CliError for a value that is not valid or an option its objective
 * does not read. The experiments build their runs' configs with it.
 */
export function trainConfig(values: Readonly<Record<string, unknown>>): TrainConfig {
  const explicit = new Map<string, { value: unknown; source: Source }>();
  for (const [key, raw] of Object.entries(values)) {
    const flag = kebab(key);
    const spec = SPECS.get(flag);
    if (!spec) throw new CliError(`Cannot make the run's options: unknown option "${key}"`);
    explicit.set(key, {
      value: coerce(flag, spec, raw, "the run's options"),
      source: "the run's options",
    });
  }
  return resolveConfig(explicit);
}

/** Defaults < (on --resume) the run's saved options < explicit ones; the objective's options its own. */
function resolveConfig(
  explicit: ReadonlyMap<string, { value: unknown; source: Source }>,
): TrainConfig {
  const base: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(OPTIONS) as [string, OptionSpec][]) {
    const key = camel(flag);
    base[key] = explicit.has(key) ? explicit.get(key)!.value : spec.default;
  }
  const b = base as unknown as TrainConfig;
  if (b.name === "") b.name = `${b.data}-${b.objective}-${b.model}-seed${b.seed}`;
  const saved = b.resume ? savedConfig(join(b.out, b.name, "config.json")) : undefined;
  if (saved) {
    for (const [flag, spec] of Object.entries(OPTIONS) as [string, OptionSpec][]) {
      const key = camel(flag);
      if (NOT_FROM_RUN.has(key) || explicit.has(key) || !(key in saved.config)) continue;
      base[key] = coerce(flag, spec, saved.config[key], saved.path);
    }
  }
  const objective = b.objective;
  const chosen = new Map<string, unknown>();
  for (const [flag, spec] of OBJECTIVE_OPTIONS) {
    const key = camel(flag);
    const given = explicit.get(key);
    if (!spec.defaults.has(objective)) {
      if (given) {
        const where = given.source === "flag" ? `--${flag}` : `"${key}" in ${given.source}`;
        throw new CliError(
          `Cannot read the options: ${where} is not read by --objective ${objective} (its options: ${
            objectiveKeys(objective).map((k) => `--${kebab(k)}`).join(", ") || "none"
          })`,
        );
      }
      continue;
    }
    if (given) chosen.set(key, given.value);
    else if (saved && key in saved.config) {
      chosen.set(key, coerce(flag, spec, saved.config[key], saved.path));
    }
  }
  // Defaults last: one may be a multiple of another option (DIP-VAE-I's λ_d = 10·λ_od).
  for (const [flag, spec] of OBJECTIVE_OPTIONS) {
    const key = camel(flag);
    if (!spec.defaults.has(objective) || chosen.has(key)) continue;
    const d = spec.defaults.get(objective);
    chosen.set(
      key,
      d !== null && typeof d === "object" && !Array.isArray(d)
        ? (d as { times: number }).times * (chosen.get((d as { of: string }).of) as number)
        : Array.isArray(d)
        ? [...d]
        : d,
    );
  }
  const config: Record<string, unknown> = {};
  for (const [flag] of TABLE) {
    const key = camel(flag);
    if (key in base) config[key] = base[key];
    else if (chosen.has(key)) config[key] = chosen.get(key);
  }
  const c = config as unknown as TrainConfig;
  if (c.validationFraction >= 1) {
    throw new CliError(
      `Cannot read the options: --validation-fraction must be < 1, got ${c.validationFraction}`,
    );
  }
  const groups = c.groupSizes ?? [];
  if (groups.length > 0 && groups.reduce((a, v) => a + v, 0) !== c.latentDim) {
    throw new CliError(
      `Cannot read the options: --group-sizes ${groups.join(",")} add up to ${
        groups.reduce((a, v) => a + v, 0)
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
function savedConfig(path: string): { config: Record<string, unknown>; path: string } | undefined {
  if (!existsSync(path)) return undefined;
  let saved: unknown;
  try {
    saved = (JSON.parse(readFileSync(path, "utf8")) as { config?: unknown }).config;
  } catch (e) {
    throw new CliError(`Cannot resume: ${path} is not readable JSON (${(e as Error).message})`);
  }
  if (saved === null || typeof saved !== "object" || Array.isArray(saved)) {
    throw new CliError(`Cannot resume: ${path} holds no "config" object`);
  }
  return { config: saved as Record<string, unknown>, path };
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
  for (const [flag, spec] of TABLE) {
    const value = spec.kind === "boolean"
      ? ""
      : spec.kind === "list"
      ? " LIST"
      : spec.kind === "string"
      ? " TEXT"
      : " N";
    const def = spec.kind === "boolean" || spec.default === "" || spec.default === undefined ||
        (Array.isArray(spec.default) && spec.default.length === 0)
      ? ""
      : ` (default ${spec.default})`;
    const choices = spec.choices ? ` [${spec.choices.join("|")}]` : "";
    lines.push(`  --${flag}${value}`.padEnd(30) + ` ${spec.help}${choices}${def}`);
  }
  lines.push("", "Objectives (--objective) and the options each one reads:");
  for (const o of OBJECTIVES) {
    const own = objectiveKeys(o.name).map((k) => `--${kebab(k)}`).join(", ");
    lines.push(`  ${o.name}`.padEnd(30) + ` ${o.title} (${o.paper}): ${o.description}`);
    lines.push("".padEnd(30) + ` options: ${own || "none"}`);
  }
  return lines.join("\n");
}
