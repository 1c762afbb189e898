// The study index behind --plan: one entry per planned run, with its index,
// its id, the settings that vary across the study and its state (done,
// running on host/pid, pending, or failed with the error).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runDir } from "./_finished_run.ts";
import { readClaim } from "./read_claim.ts";
import type { PlannedRun } from "./types.ts";

/** One run of the index. */
export interface StudyEntry {
  readonly index: number;
  readonly id: string;
  /** The trainer settings of this run that differ between the runs of the study. */
  readonly settings: Record<string, unknown>;
  readonly state: "done" | "running" | "pending" | "failed";
  /** For a running run: who holds it. For a pending one that was interrupted: who held it. */
  readonly claim?: { host: string; pid: number; heartbeatAge: number };
  /** The last step reached (log or checkpoint), where known. */
  readonly step?: number;
  readonly steps: number;
  /** Why a failed run failed, or why an interrupted run is pending again. */
  readonly error?: string;
  readonly note?: string;
}

const NOT_SETTINGS = new Set(["out", "name", "resume", "help", "config"]);

/** The trainer settings that differ between the runs of `plan`. */
export function varyingSettings(plan: readonly PlannedRun[]): string[] {
  if (plan.length === 0) return [];
  const configs = plan.map((r) => r.config as unknown as Record<string, unknown>);
  return Object.keys(configs[0]).filter((key) =>
    !NOT_SETTINGS.has(key) &&
    configs.some((c) => JSON.stringify(c[key]) !== JSON.stringify(configs[0][key]))
  );
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

/** The step of the last train record of a log (the log is small: one line per logged step). */
function lastLoggedStep(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, "utf8").trim().split("\n").reverse();
  for (const line of lines) {
    try {
      const r = JSON.parse(line);
      if (typeof r.step === "number") return r.step;
    } catch { /* a line cut short */ }
  }
  return undefined;
}

/** The state of every run of `plan`, whose claims are in `claimsDir`. */
export async function studyIndex(
  plan: readonly PlannedRun[],
  claimsDir: string,
  { staleAfter = 300 }: { staleAfter?: number } = {},
): Promise<StudyEntry[]> {
  const varying = varyingSettings(plan);
  const entries: StudyEntry[] = [];
  for (const [index, run] of plan.entries()) {
    const config = run.config as unknown as Record<string, unknown>;
    const settings = Object.fromEntries(varying.map((k) => [k, config[k]]));
    const base = { index, id: run.id, settings, steps: run.config.steps };
    const dir = runDir(run);
    if (existsSync(join(dir, "summary.json"))) {
      entries.push({ ...base, state: "done", step: run.config.steps });
      continue;
    }
    const checkpointStep = readJson(join(dir, "checkpoint", "state.json"))?.step as
      | number
      | undefined;
    const claim = await readClaim(claimsDir, run.id, { staleAfter });
    const holder = claim
      ? {
        host: claim.record.host,
        pid: claim.record.pid,
        heartbeatAge: Math.round(claim.heartbeatAge),
      }
      : undefined;
    if (claim?.alive) {
      const step = lastLoggedStep(join(dir, "log.jsonl")) ?? checkpointStep;
      entries.push({ ...base, state: "running", claim: holder, ...(step ? { step } : {}) });
    } else if (claim?.record.state === "failed") {
      entries.push({ ...base, state: "failed", claim: holder, error: claim.record.error ?? "" });
    } else if (!claim && readJson(join(dir, "status.json"))?.state === "failed") {
      const error = String(readJson(join(dir, "status.json"))?.error ?? "");
      entries.push({ ...base, state: "failed", error });
    } else {
      const resumes = checkpointStep !== undefined ? `resumes from step ${checkpointStep}` : "";
      const note = claim?.record.state === "running"
        ? `interrupted: ${claim.deadBecause}${resumes ? `; ${resumes}` : ""}`
        : resumes;
      entries.push({
        ...base,
        state: "pending",
        ...(checkpointStep !== undefined ? { step: checkpointStep } : {}),
        ...(claim?.record.state === "running" ? { claim: holder } : {}),
        ...(note ? { note } : {}),
      });
    }
  }
  return entries;
}

function settingText(value: unknown): string {
  if (typeof value === "number") return String(Number(value.toPrecision(6)));
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The index as aligned text: a header line, then one line per run. */
export function formatStudyIndex(
  entries: readonly StudyEntry[],
  heading: string,
): string {
  const count = (s: string) => entries.filter((e) => e.state === s).length;
  const keys = entries.length ? Object.keys(entries[0].settings) : [];
  const rows = entries.map((e) => {
    let state: string = e.state;
    if (e.state === "running") {
      state = `running on ${e.claim?.host} pid ${e.claim?.pid}${
        e.step !== undefined ? `, step ${e.step}/${e.steps}` : ""
      } (heartbeat ${e.claim?.heartbeatAge} s ago)`;
    } else if (e.state === "failed") state = `failed: ${e.error}`;
    else if (e.state === "pending" && e.note) state = `pending (${e.note})`;
    return [String(e.index), e.id, ...keys.map((k) => settingText(e.settings[k])), state];
  });
  const head = ["index", "run", ...keys, "state"];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) =>
      c === cells.length - 1 ? cell : c === 0 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])
    ).join("  ");
  return [
    `${heading}: ${entries.length} runs (${count("done")} done, ${count("running")} running, ${
      count("pending")
    } pending, ${count("failed")} failed)`,
    line(head),
    ...rows.map(line),
  ].join("\n");
}
