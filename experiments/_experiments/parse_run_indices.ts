// --run-index: one index, a list and ranges ("0,3,5-9"), checked against the
// size of the study.
import { CliError } from "../_train/cli_error.ts";

/**
 * The indices `text` names, in the order given, without repeats; each must
 * be a run of a study of `count` runs.
 */
export function parseRunIndices(text: string, count: number): number[] {
  const last = count - 1;
  const range = count > 0 ? `0–${last}` : "none";
  const out: number[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const m = part.match(/^(\d+)(?:-(\d+))?$/);
    if (!m) {
      throw new CliError(
        `Cannot read --run-index: "${part}" is not an index or a range like 5-9 (in "${text}")`,
      );
    }
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) {
      throw new CliError(`Cannot read --run-index: the range ${part} runs backwards`);
    }
    if (to > last) {
      throw new CliError(
        `Cannot read --run-index: ${
          m[2] === undefined ? `index ${to}` : `range ${part}`
        } is past the study's last run (it has ${count} runs, indices ${range}; see --plan)`,
      );
    }
    for (let i = from; i <= to; i++) if (!out.includes(i)) out.push(i);
  }
  return out;
}
