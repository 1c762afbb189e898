// On --resume the log may already hold records from after the checkpoint (the
// interrupted session kept logging until it stopped): those steps are about to
// be trained again, so their records go, or every curve would double back.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../../data/write_file_atomic.ts";

/**
 * Keeps the records of `log.jsonl` at or before `step` (and drops a line cut
 * short by the interruption); rewrites the file only when something goes.
 * Returns how many records were dropped.
 */
export async function trimLog(path: string, step: number): Promise<number> {
  if (!existsSync(path)) return 0;
  const lines = (await readFile(path, "utf8")).split("\n").filter((l) => l.trim() !== "");
  const kept = lines.filter((line) => {
    try {
      const record = JSON.parse(line) as { step?: unknown };
      return typeof record.step === "number" && record.step <= step;
    } catch {
      return false;
    }
  });
  if (kept.length === lines.length) return 0;
  // Write beside and rename, so a second interruption cannot lose the log.
  await writeFileAtomic(path, kept.map((l) => l + "\n").join(""));
  return lines.length - kept.length;
}
