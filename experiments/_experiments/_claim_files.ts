// The files behind a study's claims, and who this process is. A claim on run
// ID is the file `<claims>/<ID>.<generation>.claim` (JSON: host, pid, the
// process's start time and boot id, its heartbeat interval and state); its
// modification time is the heartbeat. The highest generation is the claim in
// force; taking over a dead claim means creating the next generation, which
// only one process can do.
import { existsSync, readFileSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import process from "node:process";

/** What a claim file holds. */
export interface ClaimRecord {
  readonly id: string;
  readonly generation: number;
  readonly host: string;
  readonly pid: number;
  /** The process's start time in clock ticks since boot (/proc/PID/stat field 22), if known. */
  readonly processStart: string | null;
  /** /proc/sys/kernel/random/boot_id of the claiming machine, if known (it needs --allow-all). */
  readonly bootId: string | null;
  /** When the claiming machine booted (Unix seconds, from its uptime), if known. */
  readonly bootTime?: number | null;
  readonly claimedAt: string;
  /** Seconds between the holder's heartbeats. */
  readonly heartbeatSeconds: number;
  /** "running" while held; "done" or "failed" once released. */
  readonly state: "running" | "done" | "failed";
  readonly error?: string;
  readonly releasedAt?: string;
}

/** A claim as another process sees it. */
export interface ClaimView {
  readonly record: ClaimRecord;
  readonly path: string;
  /** Seconds since the last heartbeat. */
  readonly heartbeatAge: number;
  /** Is the holder still at work (running, and neither dead nor silent too long)? */
  readonly alive: boolean;
  /** Why a running claim counts as dead, when it does. */
  readonly deadBecause?: string;
}

/** How long a claim may go without a heartbeat before another process takes it over. */
export interface StaleOptions {
  /** Seconds without a heartbeat after which a claim is stale. */
  readonly staleAfter: number;
}

/** The claim file of `id` at `generation`. */
export function claimPath(dir: string, id: string, generation: number): string {
  return join(dir, `${id}.${generation}.claim`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The generations of `id` present in `dir`, highest first. */
export async function generations(dir: string, id: string): Promise<number[]> {
  if (!existsSync(dir)) return [];
  const pattern = new RegExp(`^${escapeRegExp(id)}\\.(\\d+)\\.claim$`);
  const found: number[] = [];
  for (const entry of await readdir(dir)) {
    const m = entry.match(pattern);
    if (m) found.push(Number(m[1]));
  }
  return found.sort((a, b) => b - a);
}

function readOptional(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** The start time of process `pid` (field 22 of /proc/PID/stat), or null. */
export function processStart(pid: number): string | null {
  const text = readOptional(`/proc/${pid}/stat`);
  if (text === null) return null;
  // The command name (field 2) may hold spaces and parentheses: count from the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return fields[19] ?? null;
}

/** This machine's boot id, or null where /proc does not say (or may not be read). */
export function bootId(): string | null {
  return readOptional("/proc/sys/kernel/random/boot_id")?.trim() ?? null;
}

/** When this machine booted, in Unix seconds (within a second or two), or null. */
export function bootTime(): number | null {
  try {
    return Math.round(Date.now() / 1000 - os.uptime());
  } catch {
    return null;
  }
}

/** Was `record` made on this machine since its last boot? */
function sameMachine(record: ClaimRecord): boolean {
  if (record.host !== hostName()) return false;
  const id = bootId();
  if (record.bootId && id) return record.bootId === id;
  const booted = bootTime();
  return typeof record.bootTime === "number" && booted !== null &&
    Math.abs(record.bootTime - booted) < 30;
}

/**
 * Has process `pid` of this machine ended? true or false where it can be
 * told (its start time in /proc, or a signal 0), null where it cannot (no
 * --allow-run): then only the heartbeat tells.
 */
function processEnded(pid: number, start: string | null): boolean | null {
  const now = processStart(pid);
  if (now !== null) return start !== null && now !== start;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ESRCH") return true;
    if (code === "EPERM") return false;
    return null;
  }
}

/** This machine's name. */
export function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}

/** Reads claim `generation` of `id`; null if it is gone or unreadable. */
export async function viewClaim(
  dir: string,
  id: string,
  generation: number,
  { staleAfter }: StaleOptions,
): Promise<ClaimView | null> {
  const path = claimPath(dir, id, generation);
  let record: ClaimRecord;
  let mtime: number;
  try {
    record = JSON.parse(await readFile(path, "utf8"));
    mtime = (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
  const heartbeatAge = Math.max(0, (Date.now() - mtime) / 1000);
  if (record.state !== "running") return { record, path, heartbeatAge, alive: false };
  let deadBecause: string | undefined;
  if (heartbeatAge > staleAfter) {
    deadBecause = `no heartbeat for ${Math.round(heartbeatAge)} s (stale after ${staleAfter} s)`;
  } else if (sameMachine(record) && heartbeatAge > 2 * record.heartbeatSeconds + 1) {
    // On the same machine a dead holder is certain once its heartbeat has
    // stopped: its process is gone (or the pid now belongs to another process).
    if (processEnded(record.pid, record.processStart) === true) {
      deadBecause = `process ${record.pid} on ${record.host} has ended`;
    }
  }
  return {
    record,
    path,
    heartbeatAge,
    alive: deadBecause === undefined,
    ...(deadBecause ? { deadBecause } : {}),
  };
}
