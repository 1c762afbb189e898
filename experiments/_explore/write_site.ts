// Writes the explorer's files to a folder, as a static site to host anywhere.
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CliError } from "../_train/cli_error.ts";

/**
 * Writes `files` under `out`. The folder may be new, empty, or a previous
 * export (it holds run.json and explorer.js); anything else is refused so an
 * export never mixes into an unrelated folder.
 */
export async function writeSite(files: Map<string, Uint8Array>, out: string): Promise<number> {
  let entries: string[] | null = null;
  try {
    if (!(await stat(out)).isDirectory()) {
      throw new CliError(`Cannot export the explorer to ${out}: it is a file, not a folder`);
    }
    entries = await readdir(out);
  } catch (e) {
    if (e instanceof CliError) throw e;
    if ((e as { code?: string }).code !== "ENOENT") {
      throw new CliError(`Cannot export the explorer to ${out}: ${(e as Error).message}`);
    }
  }
  if (
    entries && entries.length > 0 &&
    !(entries.includes("run.json") && entries.includes("explorer.js"))
  ) {
    throw new CliError(
      `Cannot export the explorer to ${out}: the folder is not empty and holds no earlier export; choose an empty or new folder`,
    );
  }
  let bytes = 0;
  try {
    for (const [path, data] of files) {
      const target = join(out, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, data);
      bytes += data.byteLength;
    }
  } catch (e) {
    throw new CliError(
      `Cannot export the explorer to ${out}: ${(e as Error).message.split("\n")[0]}`,
    );
  }
  return bytes;
}
