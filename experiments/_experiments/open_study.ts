// An experiment as a study: its definition, its settings (the preset with any
// changes), its folder and its planned runs, numbered by their place in the
// plan. Planning loads no backend, so --plan and the emitters are quick.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { CliError } from "../_train/cli_error.ts";
import { EXPERIMENTS } from "./registry.ts";
import type {
  ExperimentContext,
  ExperimentDefinition,
  PlannedRun,
  PresetName,
  RunOverrides,
} from "./types.ts";

/** Which study to open. */
export interface StudyOptions {
  /** "quick" or "paper". */
  readonly preset: PresetName;
  /** Folder that holds experiment folders. */
  readonly out: string;
  readonly overrides?: RunOverrides;
  /** Changes to the preset's settings (`--set KEY=VALUE`; tests make presets CI-sized with it). */
  readonly patch?: Record<string, unknown>;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** An opened study. */
export interface Study {
  readonly name: string;
  readonly definition: ExperimentDefinition<unknown>;
  readonly preset: PresetName;
  readonly settings: Record<string, unknown>;
  readonly overrides: RunOverrides;
  readonly patch: Record<string, unknown>;
  /** The folder of experiment folders. */
  readonly out: string;
  /** The experiment folder. */
  readonly dir: string;
  readonly context: ExperimentContext;
  /** The runs; a run's index is its place here. */
  readonly plan: readonly PlannedRun[];
  /** The claims folder. */
  readonly claimsDir: string;
}

/** Opens experiment `name` as configured (creating its folder); throws CliError for user mistakes. */
export async function openStudy(name: string, options: StudyOptions): Promise<Study> {
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
  const patch = options.patch ?? {};
  for (const key of Object.keys(patch)) {
    if (!(key in base)) {
      throw new CliError(
        `Cannot run the experiment ${name}: it has no setting "${key}" (its settings: ${
          Object.keys(base).join(", ")
        })`,
      );
    }
  }
  const settings = { ...base, ...patch };
  const dir = join(options.out, `${name}-${options.preset}`);
  await mkdir(dir, { recursive: true });
  const context: ExperimentContext = {
    dir,
    preset: options.preset,
    overrides,
    log: options.log ?? (() => {}),
  };
  const plan = await definition.plan(settings, context);
  return {
    name,
    definition,
    preset: options.preset,
    settings,
    overrides,
    patch,
    out: options.out,
    dir,
    context,
    plan,
    claimsDir: join(dir, "study", "claims"),
  };
}
