// Reads a run's log.jsonl: the training lines and the validation lines.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** One logged line: a step, its epoch, and the training or validation means. */
export interface LogLine {
  readonly step: number;
  readonly epoch: number;
  readonly seconds: number;
  readonly values: Record<string, number>;
  readonly klPerDimension: number[];
}

/** The run's training and validation lines, in step order (a resumed run's repeats dropped). */
export async function readLog(
  runDir: string,
): Promise<{ train: LogLine[]; validation: LogLine[] }> {
  const text = await readFile(join(runDir, "log.jsonl"), "utf8");
  const train = new Map<number, LogLine>();
  const validation = new Map<number, LogLine>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const record = JSON.parse(line);
    const part = record.train ?? record.validation;
    if (!part) continue;
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(part)) if (typeof v === "number") values[k] = v;
    const entry: LogLine = {
      step: record.step,
      epoch: record.epoch,
      seconds: record.seconds,
      values,
      klPerDimension: Array.isArray(part.klPerDimension) ? part.klPerDimension : [],
    };
    // A resumed run logs again from its checkpoint: the later line wins.
    (record.train ? train : validation).set(record.step, entry);
  }
  const sorted = (m: Map<number, LogLine>) => [...m.values()].sort((a, b) => a.step - b.step);
  return { train: sorted(train), validation: sorted(validation) };
}
