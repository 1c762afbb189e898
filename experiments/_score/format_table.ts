// The table `deno task score` prints: what was scored, every headline score,
// the per-factor scores, and the metrics that failed or could not be computed.
import type { DownstreamTaskResult } from "../../metrics/mod.ts";
import type { ScoreResult } from "./run_score.ts";

const format = (name: string, v: number) => name === "activeUnits" ? String(v) : v.toFixed(4);

/** Per-factor arrays worth a row each: the metric's name and where its array is. */
const PER_FACTOR: readonly [string, string][] = [
  ["mig", "perFactor"],
  ["posteriorMig", "perFactor"],
  ["explicitness", "perFactor"],
];

/** The readable table of a score's results, as lines. */
export function formatTable(result: ScoreResult): string {
  const lines = [
    `scored ${result.rows} rows: ${result.codeDims} code dimensions, ${result.factorCount} factors (fit/test split ${result.split.train}/${result.split.test}, ${result.split.kind})`,
    "",
    `${"metric".padEnd(36)} score`,
    `${"-".repeat(36)} ------`,
  ];
  for (const [name, value] of Object.entries(result.scores)) {
    lines.push(`${name.padEnd(36)} ${format(name, value)}`);
  }
  const rows: string[] = [];
  for (const [metric, key] of PER_FACTOR) {
    const outcome = result.details[metric];
    if (!outcome || !("result" in outcome)) continue;
    const values = (outcome.result as Record<string, unknown>)[key];
    if (!Array.isArray(values)) continue;
    rows.push(
      `${metric.padEnd(14)} ${values.map((v: number) => v.toFixed(3).padStart(7)).join(" ")}`,
    );
  }
  if (rows.length > 0) {
    const factors = Array.from({ length: result.factorCount }, (_, k) => `f${k}`.padStart(7));
    lines.push("", `${"per factor".padEnd(14)} ${factors.join(" ")}`, ...rows);
  }
  lines.push(...downstreamRows(result.details.downstream));
  const notes = Object.values(result.details).flatMap((o) =>
    "notes" in o && o.notes ? Object.values(o.notes) : []
  );
  if (notes.length > 0) lines.push("", "left out:", ...notes.map((note) => `  ${note}`));
  const failed = Object.entries(result.details).filter(([, o]) => "error" in o);
  if (failed.length > 0) {
    lines.push("", "failed:");
    for (const [name, o] of failed) lines.push(`  ${name}: ${(o as { error: string }).error}`);
  }
  const missing = Object.entries(result.notComputed);
  if (missing.length > 0) {
    lines.push("", "not computed:");
    for (const [name, why] of missing) lines.push(`  ${name}: ${why}`);
  }
  return lines.join("\n");
}

/** The downstream task's mean test accuracy per predictor and training size, as lines. */
function downstreamRows(outcome: ScoreResult["details"][string] | undefined): string[] {
  if (!outcome || !("result" in outcome)) return [];
  const r = outcome.result as DownstreamTaskResult;
  const rows = [
    "",
    "downstream task: mean test accuracy by training size",
    `${"rows".padEnd(18)} ${r.sizes.map((s) => String(s).padStart(7)).join(" ")}`,
  ];
  for (const p of ["logisticRegression", "boostedTrees"] as const) {
    const accuracies = r[p];
    if (!accuracies) continue;
    rows.push(
      `${p.padEnd(18)} ${
        accuracies.map((a) => a.meanTestAccuracy.toFixed(3).padStart(7)).join(" ")
      }`,
    );
  }
  return rows;
}
