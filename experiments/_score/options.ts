// The options of `deno task score`: one table gives each flag's kind, default
// and help, so parsing, validation and --help agree. The metric names come
// from the metric table of compute_metrics.ts.
import { parseArgs } from "node:util";
import { CliError } from "../_train/cli_error.ts";
import { METRIC_NAMES } from "../_train/compute_metrics.ts";

interface OptionSpec {
  readonly kind: "string" | "number" | "integer" | "boolean";
  readonly default: string | number | boolean;
  readonly help: string;
  readonly value?: string;
}

export const SCORE_OPTIONS = {
  codes: {
    kind: "string",
    default: "",
    value: "FILE",
    help: "codes [N][D]: .npy, .npz, .csv, .tsv, .json",
  },
  factors: {
    kind: "string",
    default: "",
    value: "FILE",
    help: "factor labels [N][K] of the same rows",
  },
  "test-codes": {
    kind: "string",
    default: "",
    value: "FILE",
    help: "held-out codes (else a seeded split)",
  },
  "test-factors": { kind: "string", default: "", value: "FILE", help: "held-out factor labels" },
  "codes-key": {
    kind: "string",
    default: "",
    value: "KEY",
    help: 'array of an .npz holding the codes (default: its only array, or "codes")',
  },
  "factors-key": {
    kind: "string",
    default: "",
    value: "KEY",
    help: 'array of an .npz holding the factors (default: its only array, or "factors")',
  },
  mean: {
    kind: "string",
    default: "",
    value: "FILE",
    help: "posterior means [N][D] for the posterior MIG (also the codes when --codes is absent)",
  },
  "log-var": { kind: "string", default: "", value: "FILE", help: "posterior log-variances [N][D]" },
  metrics: {
    kind: "string",
    default: "",
    value: "LIST",
    help: `comma-separated metrics (default: every one the inputs allow): ${
      METRIC_NAMES.join(",")
    }`,
  },
  "test-fraction": {
    kind: "number",
    default: 0.2,
    value: "X",
    help: "share of the rows held out when no test files are given",
  },
  seed: { kind: "integer", default: 0, value: "N", help: "seed of the split and of the metrics" },
  json: {
    kind: "string",
    default: "",
    value: "OUT",
    help: "write every metric's full result as JSON",
  },
  report: {
    kind: "string",
    default: "",
    value: "DIR",
    help: "write an HTML report (DIR/index.html)",
  },
  run: {
    kind: "string",
    default: "",
    value: "DIR",
    help: "score a trained run folder (runs/NAME) on its own data instead of files",
  },
  samples: {
    kind: "integer",
    default: 0,
    value: "N",
    help: "--run: samples encoded (default: the run's --metric-samples)",
  },
  "score-points": {
    kind: "integer",
    default: -1,
    value: "N",
    help: "--run: points of the β-VAE and FactorVAE scores (default: the run's; 0 skips them)",
  },
  backend: { kind: "string", default: "wasm", value: "NAME", help: "--run: tfjs backend" },
  help: { kind: "boolean", default: false, help: "print this help and exit" },
} as const satisfies Record<string, OptionSpec>;

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** The resolved options, camelCased (`--test-codes` is `testCodes`). */
export type ScoreConfig =
  & {
    -readonly [F in keyof typeof SCORE_OPTIONS as CamelCase<F>]: (typeof SCORE_OPTIONS)[F][
      "default"
    ] extends string ? string
      : (typeof SCORE_OPTIONS)[F]["default"] extends number ? number
      : boolean;
  }
  & { metricList: string[] };

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Parses the command line of `deno task score`; a bad option is a CliError. */
export function parseScoreArgs(args: string[]): ScoreConfig {
  const specs = Object.entries(SCORE_OPTIONS) as [string, OptionSpec][];
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args,
      options: Object.fromEntries(
        specs.map((
          [flag, spec],
        ) => [flag, { type: spec.kind === "boolean" ? "boolean" : "string" }]),
      ) as Record<string, { type: "string" | "boolean" }>,
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (e) {
    const message = (e as Error).message.split("\n")[0];
    const unknown = message.match(/Unknown option '([^']+)'/);
    throw new CliError(
      unknown
        ? `Cannot read the options: unknown option ${unknown[1]} (see --help for the list)`
        : `Cannot read the options: ${message}`,
    );
  }
  const config: Record<string, unknown> = {};
  for (const [flag, spec] of specs) {
    const raw = values[flag];
    let value: unknown = raw ?? spec.default;
    if (raw !== undefined && (spec.kind === "number" || spec.kind === "integer")) {
      const n = Number(raw);
      if ((raw as string).trim() === "" || !Number.isFinite(n)) {
        throw new CliError(
          `Cannot read the options: --${flag} must be a number, got ${JSON.stringify(raw)}`,
        );
      }
      if (spec.kind === "integer" && !Number.isSafeInteger(n)) {
        throw new CliError(`Cannot read the options: --${flag} must be an integer, got ${raw}`);
      }
      value = n;
    }
    config[camel(flag)] = value;
  }
  const c = config as ScoreConfig;
  c.metricList = c.metrics === "" ? [...METRIC_NAMES] : c.metrics.split(",").map((m) => m.trim());
  const unknown = c.metricList.filter((m) => !METRIC_NAMES.includes(m));
  if (unknown.length > 0) {
    throw new CliError(
      `Cannot read the options: unknown metric ${
        unknown.join(", ")
      } in --metrics (the metrics are ${METRIC_NAMES.join(", ")})`,
    );
  }
  if (!(c.testFraction > 0 && c.testFraction < 1)) {
    throw new CliError(
      `Cannot read the options: --test-fraction must be between 0 and 1, got ${c.testFraction}`,
    );
  }
  if (c.seed < 0) throw new CliError(`Cannot read the options: --seed must be ≥ 0, got ${c.seed}`);
  if (c.help) return c;
  if (c.run !== "") {
    const files = ["codes", "factors", "testCodes", "testFactors", "mean", "logVar"]
      .filter((k) => (config[k] as string) !== "");
    if (files.length > 0) {
      throw new CliError(
        `Cannot read the options: --run scores the run on its own data, without --${
          files.map((k) => k.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)).join(", --")
        }`,
      );
    }
    return c;
  }
  if (c.codes === "" && c.mean === "") {
    throw new CliError(
      "Cannot read the options: --codes FILE (or --mean FILE) is needed, or --run DIR",
    );
  }
  if (c.factors === "") throw new CliError("Cannot read the options: --factors FILE is needed");
  if ((c.testCodes === "") !== (c.testFactors === "")) {
    throw new CliError("Cannot read the options: --test-codes and --test-factors go together");
  }
  if ((c.mean === "") !== (c.logVar === "")) {
    throw new CliError("Cannot read the options: --mean and --log-var go together");
  }
  return c;
}

/** The --help text. */
export function scoreHelp(): string {
  const lines = [
    "Score codes saved from any framework against ground-truth factors (MIG, SAP, DCI, ...).",
    "",
    "Usage: deno task score --codes FILE --factors FILE [--test-codes FILE --test-factors FILE]",
    "                       [--metrics mig,dci,...] [--json OUT] [--report DIR]",
    "       deno task score --run runs/NAME [--json OUT] [--report DIR]",
    "",
    "Files: .npy, .npz (--codes-key/--factors-key), .csv/.tsv (header row optional), .json (rows).",
    "",
    "Options:",
  ];
  for (const [flag, spec] of Object.entries(SCORE_OPTIONS) as [string, OptionSpec][]) {
    const def = spec.kind === "boolean" || spec.default === "" || spec.default === -1 ||
        (flag === "samples" && spec.default === 0)
      ? ""
      : ` (default ${spec.default})`;
    lines.push(
      `  --${flag}${spec.value ? ` ${spec.value}` : ""}`.padEnd(26) + ` ${spec.help}${def}`,
    );
  }
  return lines.join("\n");
}
