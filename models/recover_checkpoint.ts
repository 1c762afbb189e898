import { existsSync } from "node:fs";
import { readdir, rename, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Puts back a checkpoint whose replacement was interrupted: `saveCheckpoint`
 * renames the old checkpoint aside (`dir.old-*`) before it renames the new
 * one into place, so a process killed between the two leaves no `dir` but a
 * whole old checkpoint beside it. If `dir` holds no `state.json` and such a
 * folder does, the newest one becomes `dir` again. Returns whether it
 * restored one. `loadCheckpoint` calls it; call it yourself before testing
 * whether a checkpoint exists.
 *
 * @example
 * ```ts
 * import { recoverCheckpoint } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/checkpoint.old-1`);
 * await Deno.writeTextFile(`${dir}/checkpoint.old-1/state.json`, '{"step":4}');
 * assert.equal(await recoverCheckpoint(`${dir}/checkpoint`), true);
 * assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/checkpoint/state.json`)).step, 4);
 * assert.equal(await recoverCheckpoint(`${dir}/checkpoint`), false);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param dir The checkpoint folder.
 * @returns true if an interrupted save's old checkpoint was moved back to `dir`.
 */
export async function recoverCheckpoint(dir: string): Promise<boolean> {
  if (typeof dir !== "string" || dir === "") {
    throw new TypeError(`Cannot recover the checkpoint: dir must be a folder path, got ${dir}`);
  }
  if (existsSync(join(dir, "state.json")) || !existsSync(dirname(dir))) return false;
  const prefix = `${basename(dir)}.old-`;
  const candidates: { path: string; mtime: number }[] = [];
  for (const entry of await readdir(dirname(dir))) {
    const path = join(dirname(dir), entry);
    if (entry.startsWith(prefix) && existsSync(join(path, "state.json"))) {
      candidates.push({ path, mtime: (await stat(path)).mtimeMs });
    }
  }
  if (candidates.length === 0) return false;
  candidates.sort((a, b) => b.mtime - a.mtime);
  if (existsSync(dir)) {
    // A folder without state.json is no checkpoint: move it out of the way.
    await rename(dir, `${dir}.tmp-broken-${Date.now()}`);
  }
  await rename(candidates[0].path, dir);
  return true;
}
