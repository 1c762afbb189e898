// The HTML report of `deno task score`: one self-contained page (inline SVG
// and CSS, no external URLs) with the code × factor mutual information and
// DCI importance matrices as heat maps, per-factor bars and every score.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ScoreResult } from "./run_score.ts";

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A white-to-blue colour for `t` in [0, 1]. */
function shade(t: number): string {
  const u = Math.max(0, Math.min(1, t));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * u);
  return `rgb(${mix(247, 8)},${mix(251, 48)},${mix(255, 107)})`;
}

/** A [D][K] matrix as an SVG heat map, codes down, factors across, values in the cells. */
function heatMap(id: string, title: string, matrix: number[][]): string {
  const rows = matrix.length;
  const cols = matrix[0]?.length ?? 0;
  const cell = 44;
  const left = 50;
  const top = 30;
  const max = Math.max(1e-12, ...matrix.flat());
  const parts: string[] = [];
  for (let k = 0; k < cols; k++) {
    parts.push(
      `<text x="${left + k * cell + cell / 2}" y="${top - 8}" text-anchor="middle">f${k}</text>`,
    );
  }
  for (let d = 0; d < rows; d++) {
    const y = top + d * cell;
    parts.push(`<text x="${left - 8}" y="${y + cell / 2 + 4}" text-anchor="end">z${d}</text>`);
    for (let k = 0; k < cols; k++) {
      const v = matrix[d][k];
      const x = left + k * cell;
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell - 2}" height="${cell - 2}" fill="${
          shade(v / max)
        }"><title>z${d}, f${k}: ${v}</title></rect>`,
        `<text x="${x + cell / 2 - 1}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${
          v / max > 0.55 ? "#fff" : "#222"
        }">${v.toFixed(2)}</text>`,
      );
    }
  }
  const width = left + cols * cell + 10;
  const height = top + rows * cell + 10;
  return `<figure><figcaption>${
    escape(title)
  }</figcaption><svg id="${id}" class="heatmap" width="${width}" height="${height}" font-size="11">${
    parts.join("")
  }</svg></figure>`;
}

/** Horizontal bars of one value per factor (scores in [0, 1]). */
function bars(title: string, values: number[]): string {
  const h = 20;
  const left = 40;
  const w = 240;
  const parts = values.map((v, k) => {
    const y = k * h;
    const len = Math.max(0, Math.min(1, v)) * w;
    return `<text x="${left - 6}" y="${y + 14}" text-anchor="end">f${k}</text>` +
      `<rect x="${left}" y="${y + 3}" width="${len}" height="${h - 6}" fill="#3182bd"></rect>` +
      `<text x="${left + len + 4}" y="${y + 14}">${v.toFixed(3)}</text>`;
  });
  return `<figure><figcaption>${escape(title)}</figcaption><svg class="bars" width="${
    left + w + 60
  }" height="${values.length * h + 4}" font-size="11">${parts.join("")}</svg></figure>`;
}

function field(result: ScoreResult, metric: string, key: string): unknown {
  const o = result.details[metric];
  return o && "result" in o ? (o.result as Record<string, unknown>)[key] : undefined;
}

/** Writes `dir/index.html` and returns its path. */
export async function writeReport(result: ScoreResult, dir: string): Promise<string> {
  const sections: string[] = [];
  const mi = field(result, "mig", "mutualInfo") as number[][] | undefined;
  if (mi) sections.push(heatMap("mutual-info", "Mutual information I(z_j; f_k), nats (MIG)", mi));
  const importance = field(result, "dci", "importance") as number[][] | undefined;
  if (importance) {
    sections.push(heatMap("dci-importance", "DCI importance R[z_j][f_k]", importance));
  }
  const barRows: string[] = [];
  for (
    const [metric, title] of [
      ["mig", "MIG per factor"],
      ["posteriorMig", "posterior MIG per factor"],
      ["explicitness", "explicitness (test ROC-AUC) per factor"],
    ]
  ) {
    const v = field(result, metric, "perFactor");
    if (Array.isArray(v)) barRows.push(bars(title, v as number[]));
  }
  const scores = Object.entries(result.scores)
    .map(([k, v]) => `<tr><td>${escape(k)}</td><td>${v.toFixed(4)}</td></tr>`).join("");
  const inputs = Object.entries(result.inputs)
    .map(([k, v]) => `<li>${escape(k)}: <code>${escape(v)}</code></li>`).join("");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Disentanglement scores</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}
td{padding:2px 12px;border-bottom:1px solid #ddd}figure{display:inline-block;margin:1em 2em 1em 0;vertical-align:top}
figcaption{font-weight:600;margin-bottom:4px}</style></head><body>
<h1>Disentanglement scores</h1>
<p>${result.rows} rows, ${result.codeDims} code dimensions, ${result.factorCount} factors; fit/test split ${result.split.train}/${result.split.test} (${
    escape(result.split.kind)
  }, seed ${result.split.seed}); @disentangle/vae ${escape(result.version)}.</p>
<ul>${inputs}</ul>
<h2>Scores</h2><table>${scores}</table>
<h2>Codes × factors</h2>${sections.join("\n") || "<p>(no MIG or DCI result)</p>"}
<h2>Per factor</h2>${barRows.join("\n")}
</body></html>
`;
  await mkdir(dir, { recursive: true });
  const path = join(dir, "index.html");
  await writeFile(path, html);
  return path;
}
