// Runs an experiment's planned trainings one after another, so that an
// interrupted experiment picks up where it stopped: finished runs (with a
// summary.json) are skipped, runs with a checkpoint resume from it, and a run
// folder left without a checkpoint is started again. A finished run's
// checkpoint is deleted (its model/ folder stays).
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { CliError } from "../_train/cli_error.ts";
import { parseTrainArgs, TRAINING_KEYS } from "../_train/options.ts";
import { type RunIo, type RunSummary, runTraining } from "../_train/run_training.ts";
import type { FinishedRun, PlannedRun } from "./types.ts";

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

/**
 * Trains every planned run that is not finished yet and returns them all
 * with their summaries. A finished run whose options differ from the plan is
 * an error (the experiment folder belongs to other settings).
 */
export async function runPlanned(
  plan: readonly PlannedRun[],
  io: RunIo,
  onRunDone: (run: FinishedRun) => Promise<void> = async () => {},
): Promise<FinishedRun[]> {
  const finished: FinishedRun[] = [];
  for (const [i, run] of plan.entries()) {
    const dir = join(run.config.out, run.config.name);
    const where = `run ${i + 1}/${plan.length} (${run.id})`;
    const planned = run.config as unknown as Record<string, unknown>;
    if (existsSync(join(dir, "summary.json"))) {
      const saved = (await readJson(join(dir, "config.json"))).config as Record<string, unknown>;
      const changed = differences(saved, planned);
      if (changed.length > 0) {
        throw new CliError(
          `Cannot continue the experiment: ${dir} holds a finished run made with other options (${
            changed.join("; ")
          }); choose another --out or remove that folder`,
        );
      }
      const summary = await readJson(join(dir, "summary.json")) as unknown as RunSummary;
      io.log(`${where}: finished before, skipped`);
      finished.push({ ...run, dir, summary, outcome: "skipped" });
      await onRunDone(finished[finished.length - 1]);
      continue;
    }
    let resume = false;
    if (existsSync(join(dir, "checkpoint", "state.json"))) {
      resume = true;
      io.log(`${where}: resuming from its checkpoint`);
    } else if (existsSync(dir)) {
      // Stopped before its first checkpoint: nothing to keep.
      await rm(dir, { recursive: true, force: true });
      io.log(`${where}: restarting (it stopped before its first checkpoint)`);
    } else {
      io.log(`${where}: training`);
    }
    const summary = await runTraining({ ...run.config, resume }, io);
    // A finished run is recognised by its summary; its checkpoint (weights and
    // Adam moments, 3× the model) is no longer needed.
    await rm(join(dir, "checkpoint"), { recursive: true, force: true });
    finished.push({ ...run, dir, summary, outcome: resume ? "resumed" : "trained" });
    await onRunDone(finished[finished.length - 1]);
  }
  return finished;
}
