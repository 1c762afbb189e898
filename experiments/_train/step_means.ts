// Averages of step reports over a window of steps (a log line, a validation pass).
import type { StepReport } from "../../models/train_step.ts";

/** The mean of every scalar term of the reports (all but klPerDimension). */
export function stepMeans(reports: StepReport[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(reports[0]) as (keyof StepReport)[]) {
    if (key === "klPerDimension") continue;
    out[key] = reports.reduce((s, r) => s + (r[key] as number), 0) / reports.length;
  }
  return out;
}

/** The mean KL of each latent dimension over the reports. */
export function klMeans(reports: StepReport[]): number[] {
  const d = reports[0].klPerDimension.length;
  return Array.from(
    { length: d },
    (_, j) => reports.reduce((s, r) => s + r.klPerDimension[j], 0) / reports.length,
  );
}
