// Reads what the explorer shows from a run folder of `deno task train`: the
// model's folder, config, JSONL log, summary and status. Anything that makes
// the folder unusable is one CliError naming the folder and the reason.
import { readFile, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { CliError } from "../_train/cli_error.ts";

/** One line of log.jsonl: a training or a validation record at a step. */
export interface LogRecord {
  step: number;
  train?: Record<string, number | number[]>;
  validation?: Record<string, number | number[]>;
}

/** A run folder, read. */
export interface RunInfo {
  /** The folder, absolute. */
  dir: string;
  /** Its last path component. */
  name: string;
  /** The folder of the saved VAE: `model/`, or `checkpoint/model/` for an unfinished run. */
  modelDir: string;
  /** The step of the checkpoint when `modelDir` is a checkpoint's, else null. */
  checkpointStep: number | null;
  /** `model/vae.json`: latent size, input shape and the model's config. */
  vae: { latentDim: number; inputShape: number[]; config: Record<string, unknown> };
  /** The options the run was trained with (config.json's `config`), or {}. */
  config: Record<string, unknown>;
  /** The parsed lines of log.jsonl (lines that are not JSON records are skipped). */
  log: LogRecord[];
  /** How many lines of log.jsonl could not be read (a run being written ends mid-line). */
  skippedLogLines: number;
  /** summary.json, or null for an unfinished run. */
  summary: Record<string, unknown> | null;
  /** status.json, or null. */
  status: Record<string, unknown> | null;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads `runDir/file` as a JSON object, or null when it does not exist. */
async function readJson(dir: string, file: string): Promise<Record<string, unknown> | null> {
  const path = join(dir, file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return null;
    throw new CliError(`Cannot explore ${dir}: cannot read ${file}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(
      `Cannot explore ${dir}: ${file} is not valid JSON (${(e as Error).message.split("\n")[0]})`,
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new CliError(`Cannot explore ${dir}: ${file} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Parses log.jsonl text; lines that are not `{step, train|validation}` objects are counted. */
export function parseLog(text: string): { records: LogRecord[]; skipped: number } {
  const records: LogRecord[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const r = JSON.parse(line);
      const ok = r && typeof r === "object" && Number.isFinite(r.step) &&
        ((r.train && typeof r.train === "object") ||
          (r.validation && typeof r.validation === "object"));
      if (!ok) {
        skipped++;
        continue;
      }
      const record: LogRecord = { step: r.step };
      if (r.train) record.train = r.train;
      if (r.validation) record.validation = r.validation;
      records.push(record);
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

/**
 * Reads a run folder. A missing folder, a folder that is not a run, a run
 * with no saved model yet, or a malformed vae.json/config.json/summary.json
 * is a CliError whose message names the folder and says what is wrong.
 */
export async function readRun(runDir: string): Promise<RunInfo> {
  const dir = resolve(runDir);
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new CliError(`Cannot explore ${runDir}: the folder does not exist`);
  }
  if (!info.isDirectory()) {
    throw new CliError(`Cannot explore ${runDir}: it is a file, not a run folder`);
  }
  const hasModel = await exists(join(dir, "model", "vae.json"));
  const hasCheckpoint = await exists(join(dir, "checkpoint", "model", "vae.json"));
  const hasConfig = await exists(join(dir, "config.json"));
  if (!hasModel && !hasCheckpoint) {
    if (!hasConfig) {
      throw new CliError(
        `Cannot explore ${runDir}: it is not a run folder of deno task train (no model/vae.json or config.json)`,
      );
    }
    throw new CliError(
      `Cannot explore ${runDir}: the run has saved no model yet (no model/ or checkpoint/); wait for its first checkpoint`,
    );
  }
  const modelPath = hasModel ? "model" : join("checkpoint", "model");
  const modelDir = join(dir, modelPath);
  const vae = await readJson(dir, join(modelPath, "vae.json"));
  const latentDim = vae?.latentDim;
  const inputShape = vae?.inputShape;
  if (
    !Number.isInteger(latentDim) || (latentDim as number) < 1 || !Array.isArray(inputShape) ||
    inputShape.length !== 3 || !inputShape.every((v) => Number.isInteger(v) && v > 0)
  ) {
    throw new CliError(
      `Cannot explore ${runDir}: ${
        join(modelPath, "vae.json")
      } does not describe a VAE (needs latentDim and inputShape [H, W, C])`,
    );
  }
  let checkpointStep: number | null = null;
  if (!hasModel) {
    const state = await readJson(dir, join("checkpoint", "state.json"));
    checkpointStep = typeof state?.step === "number" ? state.step : null;
  }
  const configFile = await readJson(dir, "config.json");
  const config = configFile?.config && typeof configFile.config === "object"
    ? configFile.config as Record<string, unknown>
    : {};
  let log: LogRecord[] = [];
  let skippedLogLines = 0;
  try {
    const parsed = parseLog(await readFile(join(dir, "log.jsonl"), "utf8"));
    log = parsed.records;
    skippedLogLines = parsed.skipped;
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOENT") {
      throw new CliError(
        `Cannot explore ${runDir}: cannot read log.jsonl: ${(e as Error).message}`,
      );
    }
  }
  return {
    dir,
    name: basename(dir),
    modelDir,
    checkpointStep,
    vae: {
      latentDim: latentDim as number,
      inputShape: inputShape as number[],
      config: (vae?.config && typeof vae.config === "object" ? vae.config : {}) as Record<
        string,
        unknown
      >,
    },
    config,
    log,
    skippedLogLines,
    summary: await readJson(dir, "summary.json"),
    status: await readJson(dir, "status.json"),
  };
}
