// --run-index: trains the chosen runs of a study and nothing else (no report,
// no experiment.json): what one cluster task or one --jobs worker runs. A
// finished run is skipped and a run another live process holds is left to
// it; a failed run does not stop the others, but makes the task fail.
import { useBackend } from "../../models/use_backend.ts";
import { CliError } from "../_train/cli_error.ts";
import type { RunIo } from "../_train/run_training.ts";
import { openStudy, type StudyOptions } from "./open_study.ts";
import { parseRunIndices } from "./parse_run_indices.ts";
import { runPlanned } from "./run_planned.ts";

/** Options of {@link trainRunIndices}. */
export interface TrainRunIndicesOptions extends StudyOptions {
  readonly io: RunIo;
  /**
   * Threads of each run.
   * @default DISENTANGLE_THREADS, else every core (at most 4)
   */
  readonly threads?: number;
  /**
   * Seconds without a heartbeat before a claim is taken over.
   * @default 300
   */
  readonly staleAfter?: number;
  /**
   * End the process if another process takes over a run this one holds.
   * @default false
   */
  readonly exitOnLostClaim?: boolean;
}

/** How the runs of a task went, by id. */
export interface RunIndicesOutcome {
  readonly trained: string[];
  readonly skipped: string[];
  readonly elsewhere: string[];
}

/** Trains runs `indices` ("3", "0,3,5-9") of experiment `name`. */
export async function trainRunIndices(
  name: string,
  indices: string,
  options: TrainRunIndicesOptions,
): Promise<RunIndicesOutcome> {
  const { io, staleAfter = 300, exitOnLostClaim = false } = options;
  const study = await openStudy(name, { ...options, log: io.log });
  const chosen = parseRunIndices(indices, study.plan.length);
  const backend = await useBackend(study.overrides.backend ?? "wasm", {
    fallback: true,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    warn: (line: string) => io.log(`warning: ${line}`),
  });
  io.log(`backend: ${backend.summary}`);
  const claims = { dir: study.claimsDir, staleAfter, exitOnLost: exitOnLostClaim };
  const outcome: RunIndicesOutcome = { trained: [], skipped: [], elsewhere: [] };
  const failures: string[] = [];
  for (const index of chosen) {
    const run = study.plan[index];
    try {
      const [done] = await runPlanned(study.plan, io, { claims, indices: [index], wait: false });
      if (!done) outcome.elsewhere.push(run.id);
      else if (done.outcome === "skipped") outcome.skipped.push(run.id);
      else outcome.trained.push(run.id);
    } catch (e) {
      const message = (e as Error).message.split("\n")[0];
      if (!(e instanceof CliError)) io.log((e as Error).stack ?? message);
      io.log(`run ${index + 1}/${study.plan.length} (${run.id}): failed: ${message}`);
      failures.push(`${run.id}: ${message}`);
    }
  }
  if (failures.length > 0) {
    throw new CliError(
      `Cannot train ${failures.length === 1 ? "the run" : `${failures.length} runs`} (${
        failures.join("; ")
      })`,
    );
  }
  return outcome;
}
