// Whether a planned run has finished (its folder holds summary.json), and if
// so its summary; a finished run made with other options is an error (the
// experiment folder belongs to other settings).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CliError } from "../_train/cli_error.ts";
import { parseTrainArgs, TRAINING_KEYS } from "../_train/options.ts";
import type { RunSummary } from "../_train/run_training.ts";
import type { PlannedRun } from "./types.ts";

/** The options whose change makes a finished run a different run. */
const COMPARED_KEYS = [...TRAINING_KEYS, "steps"];

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, "utf8"));
}

/**
 * The keys on which a saved run's options differ from the planned ones. An
 * option the trainer gained after the run was made counts as equal when the
 * plan leaves it at its default, and one the planned run's objective does not
 * read (older runs carried every objective's weights) counts as equal too.
 */
function differences(saved: Record<string, unknown>, planned: Record<string, unknown>): string[] {
  const defaults = parseTrainArgs(["--objective", String(planned.objective)]) as unknown as Record<
    string,
    unknown
  >;
  const same = (k: string) =>
    !(k in planned) ||
    JSON.stringify(saved[k]) === JSON.stringify(planned[k]) ||
    (!(k in saved) && JSON.stringify(planned[k]) === JSON.stringify(defaults[k]));
  return COMPARED_KEYS.filter((k) => !same(k))
    .map((k) => `${k} ${JSON.stringify(saved[k])} → ${JSON.stringify(planned[k])}`);
}

/** The run folder of a planned run. */
export function runDir(run: PlannedRun): string {
  return join(run.config.out, run.config.name);
}

/** The summary of `run` if it has finished, else null; throws if it was made with other options. */
export async function readFinishedRun(run: PlannedRun): Promise<RunSummary | null> {
  const dir = runDir(run);
  if (!existsSync(join(dir, "summary.json"))) return null;
  const saved = (await readJson(join(dir, "config.json"))).config as Record<string, unknown>;
  const changed = differences(saved, run.config as unknown as Record<string, unknown>);
  if (changed.length > 0) {
    throw new CliError(
      `Cannot continue the experiment: ${dir} holds a finished run made with other options (${
        changed.join("; ")
      }); choose another --out or remove that folder`,
    );
  }
  return await readJson(join(dir, "summary.json")) as unknown as RunSummary;
}
