// Runs an experiment's planned trainings one after another in this process,
// each under a claim (see train_planned_run.ts), so that an interrupted
// experiment picks up where it stopped and a run another process is training
// is left to it: with `wait`, this process waits for such runs (and takes
// them over if their holder dies); without, it skips them.
import type { RunIo } from "../_train/run_training.ts";
import { runLabel, type StudyClaims, trainPlannedRun } from "./train_planned_run.ts";
import type { ClaimView } from "./_claim_files.ts";
import type { FinishedRun, PlannedRun } from "./types.ts";

/** Options of {@link runPlanned}. */
export interface RunPlannedOptions {
  /** Where the claims are and how they behave. */
  readonly claims: StudyClaims;
  /**
   * The plan indices to train.
   * @default every run
   */
  readonly indices?: readonly number[];
  /**
   * Wait for runs other processes are training (true), or skip them (false).
   * @default true
   */
  readonly wait?: boolean;
  /** Called after each finished run. */
  readonly onRunDone?: (run: FinishedRun) => Promise<void>;
}

/** What other processes hold, as one log line. */
export function heldLine(by: ClaimView): string {
  const r = by.record;
  return `${r.host} pid ${r.pid} (heartbeat ${Math.round(by.heartbeatAge)} s ago)`;
}

/**
 * Trains every selected planned run that is not finished yet and returns the
 * finished ones with their summaries, in plan order. A finished run whose
 * options differ from the plan is an error; so is a run that fails.
 */
export async function runPlanned(
  plan: readonly PlannedRun[],
  io: RunIo,
  options: RunPlannedOptions,
): Promise<FinishedRun[]> {
  const { claims, indices = plan.map((_, i) => i), wait = true, onRunDone } = options;
  const done = new Map<number, FinishedRun>();
  const told = new Set<string>();
  while (true) {
    const held: { index: number; by: ClaimView }[] = [];
    for (const index of indices) {
      if (done.has(index)) continue;
      const outcome = await trainPlannedRun(plan[index], index, plan.length, io, claims);
      if (outcome.kind === "held") {
        held.push({ index, by: outcome.by });
        continue;
      }
      done.set(index, outcome.run);
      await onRunDone?.(outcome.run);
    }
    if (held.length === 0) break;
    for (const { index, by } of held) {
      const key = `${index}:${by.record.generation}`;
      if (told.has(key)) continue;
      told.add(key);
      io.log(
        `${runLabel(plan[index], index, plan.length)}: being trained by ${heldLine(by)}; ${
          wait ? "waiting for it" : "skipped"
        }`,
      );
    }
    if (!wait) break;
    const pause = Math.min(10, Math.max(0.5, claims.heartbeatSeconds ?? 2));
    await new Promise((resolve) => setTimeout(resolve, pause * 1000));
  }
  return indices.filter((i) => done.has(i)).map((i) => done.get(i)!);
}
