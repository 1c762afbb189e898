// Writes a report's figures under figures/ and returns the blocks that show them.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../data/write_file_atomic.ts";
import { renderChart } from "./charts.ts";
import type { ExperimentContext, FigureBlock } from "./types.ts";

/** Renders a Vega-Lite chart to figures/<name>.svg and .png. */
export async function chartFigure(
  context: ExperimentContext,
  name: string,
  spec: Record<string, unknown>,
  caption: string,
): Promise<FigureBlock> {
  const { svg, png } = await renderChart(spec, { warn: (l) => context.log(`warning: ${l}`) });
  await mkdir(join(context.dir, "figures"), { recursive: true });
  await writeFileAtomic(join(context.dir, "figures", `${name}.svg`), svg);
  await writeFileAtomic(join(context.dir, "figures", `${name}.png`), png);
  return { kind: "figure", file: `figures/${name}.png`, svg: `figures/${name}.svg`, caption };
}

/** Writes an image (PNG or GIF bytes) to figures/<file> and returns its block. */
export async function imageFigure(
  context: ExperimentContext,
  file: string,
  bytes: Uint8Array,
  caption: string,
  width?: number,
): Promise<FigureBlock> {
  await mkdir(join(context.dir, "figures"), { recursive: true });
  await writeFileAtomic(join(context.dir, "figures", file), bytes);
  return { kind: "figure", file: `figures/${file}`, caption, ...(width ? { width } : {}) };
}
