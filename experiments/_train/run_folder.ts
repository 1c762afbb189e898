// The run folder: a new run must not overwrite another, and a resume must
// continue a run made with the same training options (compared by a hash of
// them). Also the two small records in it: config.json and status.json.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../../data/write_file_atomic.ts";
import { recoverCheckpoint } from "../../models/recover_checkpoint.ts";
import { join } from "node:path";
import type { Dataset } from "../../data/dataset.ts";
import { VERSION } from "../_version.ts";
import { CliError } from "./cli_error.ts";
import { type TrainConfig, TRAINING_KEYS } from "./options.ts";
import type { RunFolder } from "./types.ts";

const option = (config: TrainConfig, key: string): unknown =>
  (config as unknown as Record<string, unknown>)[key];

/** A hash of the options that decide what a checkpoint holds ({@link TRAINING_KEYS}). */
export function configHash(config: TrainConfig): string {
  const picked: Record<string, unknown> = {};
  for (const key of TRAINING_KEYS) picked[key] = option(config, key);
  return createHash("sha256").update(JSON.stringify(picked)).digest("hex").slice(0, 16);
}

/** Names the run's folder and checks that the run may start (or resume) there. */
export async function prepareRunFolder(config: TrainConfig): Promise<RunFolder> {
  const runDir = join(config.out, config.name);
  const folder = {
    runDir,
    checkpointDir: join(runDir, "checkpoint"),
    configHash: configHash(config),
  };
  if (config.resume) {
    await checkResumable(config, folder);
  } else if (existsSync(runDir)) {
    const done = existsSync(join(runDir, "summary.json"));
    throw new CliError(
      `Cannot start the run: ${runDir} already exists${
        done ? " and holds a finished run" : " (an unfinished run: add --resume to continue it)"
      }; choose another --name or remove the folder`,
    );
  }
  return folder;
}

/** Throws unless the folder has a checkpoint made with the same training options. */
async function checkResumable(config: TrainConfig, folder: RunFolder): Promise<void> {
  const { runDir, checkpointDir } = folder;
  // A save killed between its two renames leaves the previous checkpoint aside: put it back.
  await recoverCheckpoint(checkpointDir);
  if (!existsSync(join(checkpointDir, "state.json"))) {
    throw new CliError(`Cannot resume: ${runDir} has no checkpoint (${checkpointDir}/state.json)`);
  }
  const saved = JSON.parse(await readFile(join(runDir, "config.json"), "utf8"));
  if (saved.configHash === folder.configHash) return;
  // An option the run's objective does not read (and this config does not hold) is no
  // difference: runs made before the objective registry carried every objective's weights.
  const changed = TRAINING_KEYS
    .filter((k) => option(config, k) !== undefined)
    .filter((k) => JSON.stringify(saved.config?.[k]) !== JSON.stringify(option(config, k)))
    .map((k) => `${k} ${JSON.stringify(saved.config?.[k])} → ${JSON.stringify(option(config, k))}`);
  if (changed.length === 0) return;
  throw new CliError(
    `Cannot resume ${runDir}: the options differ from the run's (${changed.join("; ")})`,
  );
}

/** Writes config.json: the options, their hash, the backend and the data split. */
export async function writeRunConfig(
  folder: RunFolder,
  config: TrainConfig,
  run: { backend: string; dataset: Dataset; train: Int32Array; validation: Int32Array },
): Promise<void> {
  const { backend, dataset, train, validation } = run;
  const record = {
    version: VERSION,
    configHash: folder.configHash,
    config,
    backend,
    dataset: {
      name: dataset.name,
      size: dataset.size,
      train: train.length,
      validation: validation.length,
    },
    createdAt: new Date().toISOString(),
  };
  await writeFileAtomic(join(folder.runDir, "config.json"), JSON.stringify(record, null, 2));
}

/** Writes status.json: "running", "failed" (with the error) or "complete". */
export async function writeStatus(
  runDir: string,
  state: "running" | "failed" | "complete",
  extra: Record<string, unknown> = {},
): Promise<void> {
  await writeFileAtomic(
    join(runDir, "status.json"),
    JSON.stringify({ state, updatedAt: new Date().toISOString(), ...extra }, null, 2),
  );
}
