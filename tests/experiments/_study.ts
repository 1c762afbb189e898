// A CI-sized study for the tests that run real processes: the capacity
// experiment with 3 β_norm × 2 latent sizes (6 runs) of a few steps, given
// as command-line flags so workers and cluster tasks reproduce it.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The experiment command line. */
export const CLI = new URL("../../experiments/experiment.ts", import.meta.url).pathname;

/** Flags of the study (with `steps` training steps per run, a checkpoint every `every`). */
export function studyFlags(out: string, { steps = 4, every = 2 } = {}): string[] {
  return [
    "capacity",
    "--out",
    out,
    "--set",
    "betaNorms=[0.02,0.2,2]",
    "--set",
    "latentSizes=[3,4]",
    "--set",
    "batchSize=16",
    "--set",
    "reconstructionImages=2",
    "--set",
    "seed=1",
    "--steps",
    String(steps),
    "--checkpoint-every",
    String(every),
    "--score-points",
    "20",
    "--metric-samples",
    "200",
  ];
}

/** data/runs.csv of an experiment folder, one record per run. */
export function runsCsv(dir: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(dir, "data", "runs.csv"), "utf8").trim().split("\n");
  const columns = head.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [columns[i], v])));
}

/** The numbers of a run's row that training decides (validation losses and metrics). */
export function resultColumns(row: Record<string, string>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(row).filter(([k]) => k.startsWith("validation_") || k.startsWith("metric_"))
      .map(([k, v]) => [k, Number(v)]),
  );
}
