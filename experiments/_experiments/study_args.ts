// The command line that reproduces a study in another process or on another
// machine: the same experiment, preset, folder, overrides and --set changes,
// with the Deno that runs this process and the permissions the task needs.
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { INTEGER_OPTIONS } from "./options.ts";
import type { PresetName, RunOverrides } from "./types.ts";

/** The permissions an experiment process needs (--jobs spawns workers, hence --allow-run). */
export const EXPERIMENT_PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
  "--allow-ffi",
  "--allow-run",
];

/** What identifies a study on a command line. */
export interface StudyIdentity {
  readonly name: string;
  readonly preset: PresetName;
  /** The folder of experiment folders. */
  readonly out: string;
  readonly overrides: RunOverrides;
  readonly patch: Record<string, unknown>;
}

/** `experiment.ts NAME --preset P --out ABS ...` flags (after the script). */
export function studyArgs(study: StudyIdentity): string[] {
  const args = [study.name, "--preset", study.preset, "--out", resolve(study.out)];
  const o = study.overrides as Record<string, unknown>;
  for (const [flag, key] of Object.entries(INTEGER_OPTIONS)) {
    if (o[key] !== undefined) args.push(`--${flag}`, String(o[key]));
  }
  const strings = {
    data: "data",
    "data-path": "dataPath",
    crops: "crops",
    likelihood: "likelihood",
    backend: "backend",
  };
  for (const [flag, key] of Object.entries(strings)) {
    if (o[key] !== undefined) args.push(`--${flag}`, String(o[key]));
  }
  if (study.overrides.factorSizes !== undefined) {
    args.push("--factor-sizes", study.overrides.factorSizes.join(","));
  }
  for (const [key, value] of Object.entries(study.patch)) {
    args.push("--set", `${key}=${JSON.stringify(value)}`);
  }
  return args;
}

/** The project's root folder (where deno.json is). */
export function projectRoot(): string {
  return fileURLToPath(new URL("../../", import.meta.url));
}

/** `deno run <permissions> --config <root>/deno.json <root>/experiments/experiment.ts`. */
export function experimentCommand(deno = Deno.execPath()): string[] {
  const root = projectRoot();
  return [
    deno,
    "run",
    ...EXPERIMENT_PERMISSIONS,
    "--config",
    resolve(root, "deno.json"),
    resolve(root, "experiments", "experiment.ts"),
  ];
}

/** Quotes `arg` for a POSIX shell where it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
