// experiment.json: the settings, the planned runs and each invocation's
// wall-clock time of an experiment folder. Written by the invocations that
// coordinate a study (the whole study, --jobs, --report-only), never by the
// --run-index tasks, which may run on many machines at once.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { VERSION } from "../_version.ts";
import { writeFileAtomic } from "../../data/write_file_atomic.ts";
import type { Study } from "./open_study.ts";

/** One invocation's record. */
export interface ExperimentRecord {
  /** Every invocation so far, this one last. */
  readonly sessions: { startedAt: string; seconds: number }[];
  /** Updates this invocation's seconds; returns them. */
  tick(): number;
  /** Writes experiment.json with `state` and any extra fields. */
  save(state: string, extra?: Record<string, unknown>): Promise<void>;
}

/** Opens the record of `study` for an invocation that started at `started` (performance.now()). */
export async function experimentRecord(
  study: Study,
  { command, started, startedAt }: { command: string; started: number; startedAt: string },
): Promise<ExperimentRecord> {
  const path = join(study.dir, "experiment.json");
  const previous = existsSync(path) ? JSON.parse(await readFile(path, "utf8")) : null;
  // Every invocation is one session; its time is updated after each run, so an
  // interrupted session still counts up to its last finished run.
  const sessions: { startedAt: string; seconds: number }[] = previous?.sessions ?? [];
  const session = { startedAt, seconds: 0 };
  sessions.push(session);
  return {
    sessions,
    tick: () => session.seconds = (performance.now() - started) / 1000,
    save: (state, extra = {}) =>
      writeFileAtomic(
        path,
        JSON.stringify(
          {
            experiment: study.name,
            preset: study.preset,
            state,
            version: VERSION,
            command,
            settings: study.settings,
            overrides: study.overrides,
            runs: study.plan.map((r) => ({ id: r.id, labels: r.labels, seed: r.config.seed })),
            sessions,
            ...extra,
          },
          null,
          2,
        ) + "\n",
      ),
  };
}
