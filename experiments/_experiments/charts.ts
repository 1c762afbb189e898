// Charts for the reports: a Vega-Lite specification is compiled to Vega,
// rendered headlessly to SVG (no canvas needed), and rasterised to PNG by
// resvg (WebAssembly). Fonts come from the machine (DejaVu or Liberation from
// Debian's fonts packages); without one, the PNG has no text but the SVG still
// does, and a warning says so.
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The font the charts ask for; resvg is given the same family. */
const FONT_FAMILY = "DejaVu Sans";

/** Fonts tried first, then any .ttf under these roots. */
const FONT_FILES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
  "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
  "/System/Library/Fonts/Supplemental/Arial.ttf",
  "C:\\Windows\\Fonts\\arial.ttf",
];
const FONT_ROOTS = ["/usr/share/fonts", "/usr/local/share/fonts"];

let ready: Promise<Uint8Array[]> | null = null;

function findFonts(): Uint8Array[] {
  const found = FONT_FILES.filter((f) => existsSync(f));
  if (found.length === 0) {
    const walk = (dir: string, depth: number) => {
      if (depth > 4 || found.length >= 4 || !existsSync(dir)) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path, depth + 1);
        else if (/\.(ttf|otf)$/i.test(entry.name) && found.length < 4) found.push(path);
      }
    };
    for (const root of FONT_ROOTS) walk(root, 0);
  }
  return found.map((f) => new Uint8Array(readFileSync(f)));
}

async function setUp(warn: (line: string) => void): Promise<Uint8Array[]> {
  const wasm = new URL(import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm"));
  await initWasm(await Deno.readFile(wasm));
  const fonts = findFonts();
  if (fonts.length === 0) {
    warn(
      "no TrueType font found under /usr/share/fonts: the PNG charts will have no text (the SVG ones do); install fonts-dejavu-core",
    );
  }
  return fonts;
}

/** A chart in both forms. */
export interface RenderedChart {
  readonly svg: string;
  readonly png: Uint8Array;
}

/** Shared look: readable sizes, the font resvg is given, white background. */
const CONFIG = {
  font: FONT_FAMILY,
  background: "white",
  padding: 8,
  axis: { labelFontSize: 11, titleFontSize: 12 },
  axisX: { labelAngle: 0 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, anchor: "start" },
};

/**
 * Renders a Vega-Lite specification to SVG and to a PNG at `scale` times its
 * CSS size.
 */
export async function renderChart(
  spec: Record<string, unknown>,
  { scale = 2, warn = console.warn }: { scale?: number; warn?: (line: string) => void } = {},
): Promise<RenderedChart> {
  ready ??= setUp(warn);
  const fonts = await ready;
  const full = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...spec,
    config: { ...CONFIG, ...(spec.config as Record<string, unknown> ?? {}) },
  };
  // deno-lint-ignore no-explicit-any
  const compiled = vegaLite.compile(full as any).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: {
      fontBuffers: fonts,
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  const image = resvg.render();
  const png = image.asPng();
  image.free();
  resvg.free();
  return { svg, png };
}
