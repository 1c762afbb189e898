// Trains one planned run of a study under a claim: a finished run (with a
// summary.json) is skipped, a run another live process holds is left to it,
// a run with a checkpoint resumes from it, and a run folder left without a
// checkpoint is started again. A finished run's checkpoint is deleted (its
// model/ folder stays).
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { recoverCheckpoint } from "../../models/recover_checkpoint.ts";
import { type RunIo, runTraining } from "../_train/run_training.ts";
import { readFinishedRun, runDir } from "./_finished_run.ts";
import type { ClaimView } from "./_claim_files.ts";
import { type ClaimOptions, claimRun } from "./claims.ts";
import type { FinishedRun, PlannedRun } from "./types.ts";

/** Where a study keeps its claims, and how they behave. */
export interface StudyClaims extends ClaimOptions {
  /** The claims folder (`<experiment>/study/claims`). */
  readonly dir: string;
}

/** What became of one planned run. */
export type PlannedRunOutcome =
  | { readonly kind: "finished"; readonly run: FinishedRun }
  | { readonly kind: "held"; readonly by: ClaimView };

/** "run 2/6 (bn0.2_d3)": how the log names a run. */
export function runLabel(run: PlannedRun, index: number, total: number): string {
  return `run ${index + 1}/${total} (${run.id})`;
}

/**
 * Trains planned run `index` of `total` unless it is finished or another live
 * process holds it. A failure marks the claim failed (with the message) and
 * is thrown on.
 */
export async function trainPlannedRun(
  run: PlannedRun,
  index: number,
  total: number,
  io: RunIo,
  claims: StudyClaims,
): Promise<PlannedRunOutcome> {
  const dir = runDir(run);
  const where = runLabel(run, index, total);
  const finished = async (): Promise<PlannedRunOutcome | null> => {
    const summary = await readFinishedRun(run);
    return summary ? { kind: "finished", run: { ...run, dir, summary, outcome: "skipped" } } : null;
  };
  const before = await finished();
  if (before) {
    io.log(`${where}: finished before, skipped`);
    return before;
  }
  const got = await claimRun(claims.dir, run.id, claims);
  if ("heldBy" in got) return { kind: "held", by: got.heldBy };
  const { claim } = got;
  try {
    // It may have finished between the look above and the claim.
    const meanwhile = await finished();
    if (meanwhile) {
      await claim.release("done");
      io.log(`${where}: finished before, skipped`);
      return meanwhile;
    }
    const checkpoint = join(dir, "checkpoint");
    if (await recoverCheckpoint(checkpoint)) {
      io.log(`${where}: put back the checkpoint an interrupted save had set aside`);
    }
    let resume = false;
    if (existsSync(join(checkpoint, "state.json"))) {
      const state = JSON.parse(await readFile(join(checkpoint, "state.json"), "utf8"));
      if (state.step >= run.config.steps) {
        // The trainer cannot yet finish a run from a checkpoint at its last step
        // (it needs the last validation, which is not in the checkpoint).
        await rm(dir, { recursive: true, force: true });
        io.log(`${where}: restarting (it stopped after its last checkpoint, before its summary)`);
      } else {
        resume = true;
        io.log(`${where}: resuming from its checkpoint`);
      }
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
    await rm(checkpoint, { recursive: true, force: true });
    await claim.release("done");
    return {
      kind: "finished",
      run: { ...run, dir, summary, outcome: resume ? "resumed" : "trained" },
    };
  } catch (e) {
    const message = (e as Error).message.split("\n")[0];
    await claim.release("failed", message).catch(() => {});
    throw e;
  }
}
