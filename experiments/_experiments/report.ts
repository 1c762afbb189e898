// Writes an experiment's report twice from the same blocks: report.md (figures
// as relative links) and report.html (self-contained: every picture inlined
// as a data: URL, styles inline, no script, so it opens from disk anywhere).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../data/write_file_atomic.ts";
import type { FinishedRun, ReportBlock, TableBlock } from "./types.ts";

/** Everything around the analysis: what ran, how, and how long it took. */
export interface ReportMeta {
  readonly name: string;
  readonly title: string;
  readonly paper: string;
  readonly description: string;
  readonly provenance: string;
  readonly preset: string;
  readonly command: string;
  readonly settings: unknown;
  readonly runs: readonly FinishedRun[];
  /** How many runs the study plans (default: as many as finished). */
  readonly planned?: number;
  /** The planned runs that have not finished, with their state. */
  readonly missing?: readonly { index: number; id: string; state: string }[];
  readonly version: string;
  readonly backend: string;
  readonly sessions: readonly { startedAt: string; seconds: number }[];
  readonly dataFiles: readonly string[];
}

/** Formats a cell: numbers with `digits` decimals (exponent form when tiny or huge). */
export function formatCell(value: string | number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "string") return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const a = Math.abs(value);
  if (a !== 0 && (a < 10 ** -digits || a >= 1e6)) return value.toExponential(2);
  return value.toFixed(digits);
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The configuration keys every run shares, and what differs per run. */
function splitConfig(runs: readonly FinishedRun[]): {
  common: Record<string, unknown>;
  varying: string[];
} {
  const ignore = new Set(["out", "name", "resume", "help", "config"]);
  const configs = runs.map((r) => r.config as unknown as Record<string, unknown>);
  const common: Record<string, unknown> = {};
  const varying: string[] = [];
  if (configs.length === 0) return { common, varying };
  for (const key of Object.keys(configs[0])) {
    if (ignore.has(key)) continue;
    const first = JSON.stringify(configs[0][key]);
    if (configs.every((c) => JSON.stringify(c[key]) === first)) common[key] = configs[0][key];
    else varying.push(key);
  }
  return { common, varying };
}

function runsTable(runs: readonly FinishedRun[], varying: string[]): TableBlock {
  const columns = [
    { key: "id", label: "run" },
    ...varying.map((k) => ({ key: k, label: k, digits: 4 })),
    { key: "outcome", label: "this time" },
    { key: "seconds", label: "training time (s)", digits: 0 },
    { key: "stepsPerSecond", label: "steps/s", digits: 2 },
  ];
  const rows = runs.map((r) => {
    const row: Record<string, string | number | null> = {
      id: r.id,
      outcome: r.outcome,
      seconds: r.summary.seconds,
      stepsPerSecond: r.summary.stepsPerSecond,
    };
    for (const k of varying) {
      const v = (r.config as unknown as Record<string, unknown>)[k];
      row[k] = typeof v === "number" || typeof v === "string" ? v : JSON.stringify(v);
    }
    return row;
  });
  return { kind: "table", caption: "Runs", columns, rows };
}

function headerBlocks(meta: ReportMeta): { blocks: ReportBlock[]; configJson: string } {
  const training = meta.runs.reduce((s, r) => s + r.summary.seconds, 0);
  const wall = meta.sessions.reduce((s, x) => s + x.seconds, 0);
  const { common, varying } = splitConfig(meta.runs);
  const blocks: ReportBlock[] = [
    { kind: "text", text: `**Reproduces:** ${meta.paper}.` },
    { kind: "text", text: meta.description },
    {
      kind: "text",
      text: `**Preset:** \`${meta.preset}\`. **Command:** \`${meta.command}\`. **Library:** ` +
        `@disentangle/vae ${meta.version}, TensorFlow.js 4.22.0 on the ${meta.backend} backend, ` +
        `Deno ${Deno.version.deno}.`,
    },
    {
      kind: "text",
      text: `**Time:** ${duration(wall)} of wall-clock time over ${meta.sessions.length} ` +
        `invocation(s) (${
          meta.sessions.map((s) => `${s.startedAt}: ${duration(s.seconds)}`).join("; ")
        }); ${duration(training)} of it training ${meta.runs.length} run(s).`,
    },
  ];
  const planned = meta.planned ?? meta.runs.length;
  const missing = meta.missing ?? [];
  blocks.push({
    kind: "text",
    text: missing.length === 0
      ? `**Runs:** ${meta.runs.length} of ${planned} runs (the whole study).`
      : `**Runs:** ${meta.runs.length} of ${planned} runs; this report is partial. Missing: ${
        missing.map((m) => `${m.id} (index ${m.index}, ${m.state})`).join("; ")
      }.`,
  });
  return { blocks, configJson: JSON.stringify({ common, varying }, null, 2) };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function inlineHtml(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
}

function markdownTable(t: TableBlock): string {
  const head = `| ${t.columns.map((c) => c.label).join(" | ")} |`;
  const rule = `| ${t.columns.map(() => "---").join(" | ")} |`;
  const body = t.rows.map((r) =>
    `| ${t.columns.map((c) => formatCell(r[c.key], c.digits).replace(/\|/g, "\\|")).join(" | ")} |`
  );
  return [`**${t.caption}**`, "", head, rule, ...body, ...(t.note ? ["", t.note] : [])].join(
    "\n",
  );
}

function htmlTable(t: TableBlock): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c.label)}</th>`).join("");
  const body = t.rows.map((r) =>
    `<tr>${
      t.columns.map((c) => {
        const v = r[c.key];
        return `<td${typeof v === "number" ? ' class="n"' : ""}>${
          escapeHtml(formatCell(v, c.digits))
        }</td>`;
      }).join("")
    }</tr>`
  ).join("\n");
  return `<table><caption>${inlineHtml(t.caption)}</caption><thead><tr>${head}</tr></thead>` +
    `<tbody>\n${body}\n</tbody></table>${
      t.note ? `<p class="note">${inlineHtml(t.note)}</p>` : ""
    }`;
}

const STYLE = `
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; max-width: 1100px;
  margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
th { background: #f3f3f3; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; }
code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: 0.88em; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; }
p.note { font-size: 0.85em; color: #555; }
`;

/** Writes report.md and report.html into `dir`; returns their paths. */
export async function writeReport(
  dir: string,
  meta: ReportMeta,
  blocks: readonly ReportBlock[],
): Promise<{ markdown: string; html: string }> {
  const { blocks: header, configJson } = headerBlocks(meta);
  const { varying } = splitConfig(meta.runs);
  const configBlocks: ReportBlock[] = [
    { kind: "heading", text: "Configuration and seeds" },
    { kind: "text", text: meta.provenance },
    runsTable(meta.runs, varying),
  ];
  const settingsJson = JSON.stringify(meta.settings, null, 2);
  const dataList = meta.dataFiles.map((f) => `\`${f}\``).join(", ");

  // Markdown
  const md: string[] = [`# ${meta.title}`, ""];
  const mdBlock = (b: ReportBlock) => {
    switch (b.kind) {
      case "heading":
        md.push(`## ${b.text}`, "");
        break;
      case "text":
        md.push(b.text, "");
        break;
      case "table":
        md.push(markdownTable(b), "");
        break;
      case "figure":
        md.push(
          `![${b.caption.replace(/[[\]]/g, "")}](${b.file})`,
          "",
          `*${b.caption}*${b.svg ? ` ([SVG](${b.svg}))` : ""}`,
          "",
        );
        break;
    }
  };
  header.forEach(mdBlock);
  blocks.forEach(mdBlock);
  configBlocks.forEach(mdBlock);
  md.push(
    "Experiment settings (the preset with any command-line changes):",
    "",
    "```json",
    settingsJson,
    "```",
    "",
    "Training options shared by every run, and the ones that vary (see the table above; every run's full configuration is in `data/runs.json` and in its `runs/<run>/config.json`):",
    "",
    "```json",
    configJson,
    "```",
    "",
    `Raw data: ${dataList}.`,
    "",
  );
  const markdown = join(dir, "report.md");
  await writeFileAtomic(markdown, md.join("\n"));

  // HTML
  const html: string[] = [];
  const dataUrl = async (file: string) => {
    const bytes = await readFile(join(dir, file));
    const type = file.endsWith(".gif") ? "image/gif" : "image/png";
    return `data:${type};base64,${bytes.toString("base64")}`;
  };
  const htmlBlock = async (b: ReportBlock) => {
    switch (b.kind) {
      case "heading":
        html.push(`<h2>${inlineHtml(b.text)}</h2>`);
        break;
      case "text":
        html.push(`<p>${inlineHtml(b.text)}</p>`);
        break;
      case "table":
        html.push(htmlTable(b));
        break;
      case "figure": {
        // Charts are rasterised at twice their CSS size: show them at their CSS size.
        const bytes = await readFile(join(dir, b.file));
        const pngWidth = b.file.endsWith(".png") ? bytes.readUInt32BE(16) : 0;
        const width = b.width ?? (b.svg && pngWidth > 0 ? Math.round(pngWidth / 2) : undefined);
        html.push(
          `<figure><img src="${await dataUrl(b.file)}" alt="${escapeHtml(b.caption)}"${
            width ? ` style="width:${width}px"` : ""
          }><figcaption>${inlineHtml(b.caption)}${
            b.svg ? ` (<a href="${escapeHtml(b.svg)}">SVG</a>)` : ""
          }</figcaption></figure>`,
        );
        break;
      }
    }
  };
  for (const b of header) await htmlBlock(b);
  for (const b of blocks) await htmlBlock(b);
  for (const b of configBlocks) await htmlBlock(b);
  html.push(
    "<p>Experiment settings (the preset with any command-line changes):</p>",
    `<pre>${escapeHtml(settingsJson)}</pre>`,
    "<p>Training options shared by every run, and the ones that vary (every run's full configuration is in <code>data/runs.json</code> and in its <code>runs/&lt;run&gt;/config.json</code>):</p>",
    `<pre>${escapeHtml(configJson)}</pre>`,
    `<p>Raw data: ${inlineHtml(dataList)}.</p>`,
  );
  const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(meta.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(meta.title)}</h1>
${html.join("\n")}
</body>
</html>
`;
  const htmlPath = join(dir, "report.html");
  await writeFileAtomic(htmlPath, page);
  return { markdown, html: htmlPath };
}
