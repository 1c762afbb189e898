// Claims the runs of a study, so that a run is trained once however many
// processes and machines start on it: the claim is an exclusive creation in
// the shared experiment folder (a hard link of a file written beforehand,
// the NFS-safe form of O_EXCL), it carries a heartbeat, and a claim whose
// holder is dead or silent is taken over by creating its next generation.
import { existsSync } from "node:fs";
import { link, mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../data/write_file_atomic.ts";
import {
  bootId,
  bootTime,
  claimPath,
  type ClaimRecord,
  type ClaimView,
  generations,
  hostName,
  processStart,
  viewClaim,
} from "./_claim_files.ts";

/** Options of {@link claimRun}. */
export interface ClaimOptions {
  /**
   * Seconds without a heartbeat after which another process's claim is
   * taken over (a holder on this machine whose process has ended is taken
   * over after two missed heartbeats).
   * @default 300
   */
  readonly staleAfter?: number;
  /**
   * Seconds between this process's heartbeats.
   * @default min(10, staleAfter / 5)
   */
  readonly heartbeatSeconds?: number;
  /**
   * End this process (SIGTERM) if another process takes the claim over,
   * which happens only if the heartbeat stopped for longer than `staleAfter`.
   * @default false
   */
  readonly exitOnLost?: boolean;
}

/** A claim held by this process. */
export interface Claim {
  readonly record: ClaimRecord;
  readonly path: string;
  /** Whether another process took the run over. */
  readonly lost: () => boolean;
  /** Stops the heartbeat and marks the claim done or failed (with the error). */
  release(state: "done" | "failed", error?: string): Promise<void>;
}

/** What {@link claimRun} got: the claim, or the live claim of another process. */
export type ClaimResult = { readonly claim: Claim } | { readonly heldBy: ClaimView };

let counter = 0;

/** Creates `path` holding `text` only if it does not exist yet; true if this call created it. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const tmp = join(
    path.slice(0, path.lastIndexOf("/")),
    `.${path.slice(path.lastIndexOf("/") + 1)}.${Deno.pid}-${Date.now()}-${counter++}.tmp`,
  );
  await writeFileAtomic(tmp, text);
  try {
    await link(tmp, path);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code !== "EEXIST") throw e;
    // On NFS a retransmitted link can fail although it succeeded: then the
    // temporary file has two links.
    return (await stat(tmp)).nlink === 2;
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Claims run `id` in the claims folder `dir` (created if needed). Returns the
 * claim, whose heartbeat runs until it is released, or the claim of the
 * process that holds the run and is alive. A dead or stale claim is taken
 * over; of two processes that try at the same moment, one gets it.
 */
export async function claimRun(
  dir: string,
  id: string,
  options: ClaimOptions = {},
): Promise<ClaimResult> {
  const { staleAfter = 300, exitOnLost = false } = options;
  const { heartbeatSeconds = Math.max(0.2, Math.min(10, staleAfter / 5)) } = options;
  if (!(staleAfter > 0)) {
    throw new RangeError(`Cannot claim run ${id}: staleAfter must be > 0, got ${staleAfter}`);
  }
  await mkdir(dir, { recursive: true });
  for (let attempt = 0; attempt < 20; attempt++) {
    const [top = 0] = await generations(dir, id);
    if (top > 0) {
      const view = await viewClaim(dir, id, top, { staleAfter });
      if (view === null) continue; // being replaced right now: look again
      if (view.alive) return { heldBy: view };
    }
    const generation = top + 1;
    const record: ClaimRecord = {
      id,
      generation,
      host: hostName(),
      pid: Deno.pid,
      processStart: processStart(Deno.pid),
      bootId: bootId(),
      bootTime: bootTime(),
      claimedAt: new Date().toISOString(),
      heartbeatSeconds,
      state: "running",
    };
    const path = claimPath(dir, id, generation);
    if (!(await createExclusive(path, JSON.stringify(record, null, 2) + "\n"))) {
      // Another process created this generation first: see whether it is alive.
      const view = await viewClaim(dir, id, generation, { staleAfter });
      if (view?.alive) return { heldBy: view };
      continue;
    }
    // Older generations are history now.
    for (const g of await generations(dir, id)) {
      if (g < generation) await rm(claimPath(dir, id, g), { force: true });
    }
    return { claim: await startHeartbeat(dir, record, path, exitOnLost) };
  }
  throw new Error(`Cannot claim run ${id}: its claims in ${dir} kept changing (20 attempts)`);
}

/** Starts the heartbeat thread and waits (at most 10 s) for its first beat. */
async function startHeartbeat(
  dir: string,
  record: ClaimRecord,
  path: string,
  exitOnLost: boolean,
): Promise<Claim> {
  const next = claimPath(dir, record.id, record.generation + 1);
  let lost = false;
  const worker = new Worker(new URL("./_heartbeat_worker.ts", import.meta.url).href, {
    type: "module",
  });
  let ready: () => void = () => {};
  const started = new Promise<void>((resolve) => ready = resolve);
  worker.onmessage = (event: MessageEvent<{ ready?: boolean; lost?: boolean }>) => {
    if (event.data.lost) lost = true;
    if (event.data.ready) ready();
  };
  worker.postMessage({ path, next, intervalSeconds: record.heartbeatSeconds, exitOnLost });
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([started, new Promise((r) => timer = setTimeout(r, 10_000))]);
  clearTimeout(timer);
  let released = false;
  return {
    record,
    path,
    lost: () => lost || existsSync(next),
    async release(state, error) {
      if (released) return;
      released = true;
      worker.terminate();
      if (lost || existsSync(next)) return; // no longer ours to mark
      const final: ClaimRecord = {
        ...record,
        state,
        ...(error !== undefined ? { error } : {}),
        releasedAt: new Date().toISOString(),
      };
      await writeFileAtomic(path, JSON.stringify(final, null, 2) + "\n");
    },
  };
}
