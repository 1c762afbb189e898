// Raw data beside a report: CSV (one row per record, RFC 4180 quoting) and
// pretty JSON, written under the experiment folder's data/.
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../../data/write_file_atomic.ts";

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text of records; the columns are the union of their keys, in first-seen order. */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const columns: string[] = [];
  for (const row of rows) {
    for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  }
  const lines = [columns.map(csvCell).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(","));
  return lines.join("\n") + "\n";
}

/** Writes `data/<name>.csv` and returns its path relative to `dir`. */
export async function writeCsv(
  dir: string,
  name: string,
  rows: readonly Record<string, unknown>[],
): Promise<string> {
  const rel = join("data", `${name}.csv`);
  await mkdir(dirname(join(dir, rel)), { recursive: true });
  await writeFileAtomic(join(dir, rel), toCsv(rows));
  return rel;
}

/** Writes `data/<name>.json` and returns its path relative to `dir`. */
export async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  const rel = join("data", `${name}.json`);
  await mkdir(dirname(join(dir, rel)), { recursive: true });
  await writeFileAtomic(join(dir, rel), JSON.stringify(value, null, 2) + "\n");
  return rel;
}
