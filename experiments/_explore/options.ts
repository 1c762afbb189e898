// The options of `deno task explore`: one table gives each flag's type,
// default and help, so parsing, validation and --help agree.
import { parseArgs } from "node:util";
import { CliError } from "../_train/cli_error.ts";

interface OptionSpec {
  readonly kind: "string" | "integer" | "boolean";
  readonly default: string | number | boolean;
  readonly help: string;
  readonly min?: number;
  readonly max?: number;
}

export const EXPLORE_OPTIONS = {
  port: {
    kind: "integer",
    default: 0,
    min: 0,
    max: 65535,
    help: "port to serve on, on 127.0.0.1 only (0: any free port)",
  },
  out: {
    kind: "string",
    default: "",
    help:
      "write the page as static files to this folder instead of serving it (empty or a previous export)",
  },
  samples: {
    kind: "integer",
    default: 48,
    min: 0,
    max: 512,
    help: "data images to offer in the picker (0: none)",
  },
  seed: { kind: "integer", default: 0, min: 0, help: "seed of the choice of data images" },
  help: { kind: "boolean", default: false, help: "print this help and exit" },
} as const satisfies Record<string, OptionSpec>;

/** The resolved options. */
export interface ExploreConfig {
  /** The run folder (the one positional argument). */
  run: string;
  port: number;
  out: string;
  samples: number;
  seed: number;
  help: boolean;
}

/** Parses the command line of `deno task explore`; mistakes are CliErrors. */
export function parseExploreArgs(args: string[]): ExploreConfig {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const [flag, spec] of Object.entries(EXPLORE_OPTIONS)) {
    options[flag] = { type: spec.kind === "boolean" ? "boolean" : "string" };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message.split("\n")[0];
    const unknown = message.match(/Unknown option '([^']+)'/);
    throw new CliError(
      unknown
        ? `Cannot read the options: unknown option ${unknown[1]} (see --help for the list)`
        : `Cannot read the options: ${message}`,
    );
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const config: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(EXPLORE_OPTIONS) as [string, OptionSpec][]) {
    const raw = values[flag];
    if (raw === undefined) {
      config[flag] = spec.default;
    } else if (spec.kind === "integer") {
      const v = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
      const fail = (what: string) => {
        throw new CliError(
          `Cannot read the options: --${flag} ${what}, got ${JSON.stringify(raw)}`,
        );
      };
      if (!Number.isInteger(v)) fail("must be an integer");
      if (spec.min !== undefined && v < spec.min) fail(`must be ≥ ${spec.min}`);
      if (spec.max !== undefined && v > spec.max) fail(`must be ≤ ${spec.max}`);
      config[flag] = v;
    } else {
      config[flag] = raw;
    }
  }
  if (config.help) return { run: "", ...config } as ExploreConfig;
  if (parsed.positionals.length !== 1) {
    throw new CliError(
      parsed.positionals.length === 0
        ? "Cannot explore: give a run folder, e.g. deno task explore runs/NAME (see --help)"
        : `Cannot explore: give one run folder, got ${parsed.positionals.length}: ${
          parsed.positionals.join(" ")
        }`,
    );
  }
  return { run: parsed.positionals[0], ...config } as ExploreConfig;
}

/** The --help text. */
export function exploreHelp(): string {
  const lines = [
    "Explore a trained VAE in the browser: one slider per latent dimension (ordered by KL),",
    "the decoded image live, traversals, data images to start from, metrics and loss curves.",
    "The page runs the run's saved model with TensorFlow.js (WebGL, else WASM, else CPU);",
    "it needs no network beyond localhost.",
    "",
    "Usage: deno task explore RUN_FOLDER [options]          serve on http://127.0.0.1:PORT/",
    "       deno task explore RUN_FOLDER --out site/        write static files to host anywhere",
    "",
    "RUN_FOLDER is a folder written by `deno task train` (its model/, log.jsonl, summary.json;",
    "an unfinished run is explored from its checkpoint). Add ?backend=webgl|wasm|cpu to the",
    "page's address to choose the browser backend. Static files need an HTTP server (not file://).",
    "",
    "Options:",
  ];
  for (const [flag, spec] of Object.entries(EXPLORE_OPTIONS) as [string, OptionSpec][]) {
    const value = spec.kind === "boolean" ? "" : spec.kind === "string" ? " DIR" : " N";
    const def = spec.kind === "boolean" || spec.default === "" ? "" : ` (default ${spec.default})`;
    lines.push(`  --${flag}${value}`.padEnd(16) + ` ${spec.help}${def}`);
  }
  return lines.join("\n");
}
