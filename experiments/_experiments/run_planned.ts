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
  /**
   * Called when a run fails (its claim is already released as failed); the
   * other runs still train. Without it, the first failure is thrown.
   * @default undefined
   */
  readonly onRunFailed?: (failure: RunFailure) => void;
}

/** A planned run that failed, and why. */
export interface RunFailure {
  readonly index: number;
  readonly id: string;
  /** The error's message. */
  readonly error: string;
}

/** What other processes hold, as one log line. */
export function heldLine(by: ClaimView): string {
  const r = by.record;
  return `${r.host} pid ${r.pid} (heartbeat ${Math.round(by.heartbeatAge)} s ago)`;
}

/**
 * Trains every selected planned run that is not finished yet and returns the
 * finished ones with their summaries, in plan order. A finished run whose
 * options differ from the plan is an error; so is a run that fails, unless
 * `onRunFailed` takes it (a study of many models keeps going past one that
 * diverged).
 */
export async function runPlanned(
  plan: readonly PlannedRun[],
  io: RunIo,
  options: RunPlannedOptions,
): Promise<FinishedRun[]> {
  const { claims, indices = plan.map((_, i) => i), wait = true, onRunDone, onRunFailed } = options;
  const done = new Map<number, FinishedRun>();
  const failed = new Set<number>();
  const told = new Set<string>();
  while (true) {
    const held: { index: number; by: ClaimView }[] = [];
    for (const index of indices) {
      if (done.has(index) || failed.has(index)) continue;
      let outcome;
      try {
        outcome = await trainPlannedRun(plan[index], index, plan.length, io, claims);
      } catch (e) {
        if (!onRunFailed) throw e;
        failed.add(index);
        const error = e instanceof Error ? e.message : String(e);
        io.log(`${runLabel(plan[index], index, plan.length)}: failed: ${error}`);
        onRunFailed({ index, id: plan[index].id, error });
        continue;
      }
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
