// Every experiment's quick preset, made CI-sized (tiny step counts, grids and
// sample counts), runs end to end and writes every file of its report; then
// headless Chromium opens each report.html and every figure must decode with
// no console error.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runExperiment } from "../../experiments/_experiments/run_experiment.ts";
import { readLog } from "../../experiments/_experiments/read_log.ts";
import { checkPage } from "../_helpers/chromium.ts";

const out = await Deno.makeTempDir({ prefix: "experiments-test-" });
const silent = { log: () => {}, write: () => {}, tty: false };

/** CI-sized versions of the quick presets: same code paths, seconds each. */
const TINY: Record<
  string,
  { patch: Record<string, unknown>; overrides?: Record<string, unknown> }
> = {
  tradeoff: {
    patch: {
      betas: [1, 3],
      batchSize: 16,
      trainSize: 32,
      validationSize: 32,
      epochs: 3,
      metricSamples: 200,
    },
  },
  capacity: {
    patch: {
      betaNorms: [0.02, 2],
      latentSizes: [3, 6],
      steps: 4,
      batchSize: 16,
      scorePoints: 20,
      metricSamples: 200,
      reconstructionImages: 4,
    },
  },
  transfer: {
    patch: {
      betas: [0, 4],
      latentSizes: [2],
      steps: 4,
      batchSize: 16,
      labelCounts: [10, 100, 100_000],
      labelDraws: 2,
      metricSamples: 200,
    },
  },
  grouped: {
    patch: {
      models: [{ objective: "grouped", beta: 1 }, { objective: "beta-vae", beta: 5 }],
      steps: 2,
      batchSize: 8,
      evaluationSamples: 300,
      metricSamples: 200,
      validationFraction: 0.0003,
    },
    overrides: { seeds: 2, checkpointEvery: 2 },
  },
  traversals: {
    patch: {
      betas: [0.1, 10],
      steps: 2,
      batchSize: 8,
      frames: 3,
      animationSamples: 3,
      traversalSteps: 5,
      metricSamples: 200,
      validationFraction: 0.0003,
    },
    overrides: { checkpointEvery: 2 },
  },
  study: {
    patch: {
      valueIndices: [0],
      model: "mnist-mlp",
      steps: 2,
      batchSize: 8,
      latentDim: 4,
      metricSamples: 200,
      scorePoints: 20,
      validationFraction: 0.003,
      discriminatorLayers: 1,
      discriminatorUnits: 8,
      udrSamples: 100,
    },
    overrides: { seeds: 2, data: "shapes", imageSize: 28, checkpointEvery: 2 },
  },
};

/** The figures report.md links to (PNG and GIF), relative to the experiment folder. */
function linkedFigures(markdown: string): string[] {
  return [...markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
}

function assertImageFile(path: string) {
  const bytes = readFileSync(path);
  const png = bytes.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  const gif = bytes.subarray(0, 6).toString("latin1") === "GIF89a";
  assert.ok(png || gif, `${path} is neither a PNG nor a GIF`);
  if (png) assert.ok(bytes.readUInt32BE(16) > 0 && bytes.readUInt32BE(20) > 0, `${path} is empty`);
}

function parseCsv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, "utf8").trim().split("\n");
  const columns = head.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [columns[i], v])));
}

const outcomes: Record<string, { dir: string; results: Record<string, unknown> }> = {};

for (const [name, tiny] of Object.entries(TINY)) {
  Deno.test(`${name}: the CI-sized quick preset writes every file of its report`, async () => {
    const outcome = await runExperiment(name, {
      preset: "quick",
      out,
      jobs: 1, // in this process: these tests read the reports, not the scheduling
      patch: tiny.patch,
      overrides: tiny.overrides ?? {},
      io: silent,
    });
    outcomes[name] = outcome;
    const dir = outcome.dir;
    assert.equal(dir, join(out, `${name}-quick`));
    for (
      const f of [
        "report.md",
        "report.html",
        "experiment.json",
        "data/runs.csv",
        "data/runs.json",
        "data/results.json",
      ]
    ) {
      assert.ok(existsSync(join(dir, f)), `${f} is missing`);
    }
    const markdown = readFileSync(join(dir, "report.md"), "utf8");
    const figures = linkedFigures(markdown);
    assert.ok(figures.length >= 2, `only ${figures.length} figures in report.md`);
    for (const f of figures) assertImageFile(join(dir, f));
    for (const svg of [...markdown.matchAll(/\[SVG\]\(([^)]+)\)/g)].map((m) => m[1])) {
      assert.match(readFileSync(join(dir, svg), "utf8"), /^<svg/);
    }
    const record = JSON.parse(readFileSync(join(dir, "experiment.json"), "utf8"));
    assert.equal(record.state, "complete");
    for (const f of record.dataFiles) assert.ok(existsSync(join(dir, f)), `${f} is missing`);
    // The report names its configuration, seeds, library version and timing.
    assert.match(markdown, /@disentangle\/vae 0\.1\.0/);
    assert.match(markdown, /\*\*Time:\*\*/);
    assert.match(markdown, /## Configuration and seeds/);
    assert.match(markdown, /"seed": \d+|\| seed \|/);
    const runs = parseCsv(join(dir, "data/runs.csv"));
    assert.equal(runs.length, record.runs.length);
    for (const r of runs) assert.equal(r.outcome, "trained");
    const html = readFileSync(join(dir, "report.html"), "utf8");
    assert.equal((html.match(/<img /g) ?? []).length, figures.length);
    assert.doesNotMatch(html, /<img src="(?!data:)/, "every picture is inlined");
  });
}

Deno.test("tradeoff: Table 1 picks the epoch with the lowest validation loss of each run", async () => {
  const dir = outcomes.tradeoff.dir;
  const table = (outcomes.tradeoff.results as { table1: Record<string, number | string>[] }).table1;
  assert.equal(table.length, 4);
  const runs = JSON.parse(readFileSync(join(dir, "data/runs.json"), "utf8"));
  for (const [i, run] of runs.entries()) {
    const { validation } = await readLog(join(dir, "runs", run.id));
    assert.equal(validation.length, 3, "one validation per epoch");
    const best = validation.reduce((b, l) => (l.values.loss < b.values.loss ? l : b));
    assert.equal(table[i].epoch, best.step / run.config.evalEvery);
    assert.equal(table[i].loss, best.values.loss);
    assert.equal(table[i].tc, best.values.tc);
    // β-VAE's weighted loss is reconstruction + β·KL (closed form).
    if (run.config.objective === "beta-vae") {
      const expected = (table[i].reconstruction as number) +
        run.config.beta * (table[i].kl as number);
      assert.ok(Math.abs((table[i].loss as number) - expected) < 1e-2 * Math.abs(expected));
    }
  }
  assert.deepEqual(table.map((r) => r.model), ["β-VAE", "β-VAE", "β-TCVAE", "β-TCVAE"]);
});

Deno.test("capacity: β = β_norm·pixels/D on every cell, and scores in [0, 1]", () => {
  const grid = (outcomes.capacity.results as { grid: Record<string, number>[] }).grid;
  assert.equal(grid.length, 4);
  for (const cell of grid) {
    assert.ok(Math.abs(cell.beta - (cell.betaNorm * 784) / cell.latentDim) < 1e-9);
    assert.ok(cell.betaVaeScore >= 0 && cell.betaVaeScore <= 1);
    assert.ok(Math.abs(cell.testLoss - (cell.reconstruction + cell.kl)) < 1e-9);
  }
});

Deno.test("transfer: a row per (β, labels), subsets drawn several times, counts capped at the split", () => {
  const summary = (outcomes.transfer.results as { summary: Record<string, number>[] }).summary;
  // 2 β × 3 label counts (100 000 is capped to the 8 000 training digits).
  assert.equal(summary.length, 6);
  assert.deepEqual([...new Set(summary.map((r) => r.labels))].sort((a, b) => a - b), [
    10,
    100,
    8000,
  ]);
  for (const r of summary) {
    assert.equal(r.draws, r.labels === 8000 ? 1 : 2);
    assert.ok(r.accuracyMean >= 0 && r.accuracyMean <= 1);
    assert.ok(r.lossMean > 0);
  }
});

Deno.test("grouped: every seed of every model is scored, and the spread is reported", () => {
  const { table, perSeed, mic } = outcomes.grouped.results as {
    table: Record<string, number | string>[];
    perSeed: Record<string, number | string>[];
    mic: Record<string, number | string>[];
  };
  assert.equal(perSeed.length, 4);
  assert.equal(mic.length, 4 * 5, "MIC of each of the 5 dSprites factors per run");
  assert.deepEqual(table.map((r) => r.model), ["Grouped", "β = 5"]);
  for (const row of table) {
    assert.equal(row.seeds, 2);
    assert.match(String(row.mig), /± .*\(.*–.*, n = 2\)/);
  }
});

Deno.test("study: six methods × values × seeds from the registry, every run scored, UDR per configuration", () => {
  const { results } = outcomes.study;
  const runs = results.runs as Record<string, string | number | null>[];
  // The CI-sized preset: each method's first value, 2 seeds.
  assert.equal(runs.length, 6 * 2);
  assert.deepEqual(
    [...new Set(runs.map((r) => r.method))],
    ["β-VAE", "AnnealedVAE", "FactorVAE", "DIP-VAE-I", "DIP-VAE-II", "β-TCVAE"],
  );
  assert.deepEqual(
    [...new Set(runs.map((r) => `${r.parameter} = ${r.value}`))],
    ["β = 1", "C_max = 5", "γ = 10", "λ_od = 1"],
  );

  for (const r of runs) {
    for (const key of ["mig", "dciDisentanglement", "sap", "modularity", "irs", "udr"]) {
      assert.equal(typeof r[key], "number", `${r.id}: ${key}`);
    }
    // Two seeds of one configuration: each model's UDR is their one pairwise score.
    const partner = runs.find((p) => p !== r && p.method === r.method && p.value === r.value)!;
    assert.equal(r.udr, partner.udr);
  }
  const shares = results.varianceShares as { hyperparameter: number; seed: number }[];
  assert.ok(shares.length > 0);
  for (const s of shares) {
    assert.ok(s.hyperparameter >= 0 && s.hyperparameter <= 1 + 1e-12);
    assert.ok(Math.abs(s.hyperparameter + s.seed - 1) < 1e-12);
  }
  const cells = results.rankCorrelation as { a: string; b: string; rho: number | null }[];
  for (const c of cells.filter((c) => c.a === c.b && c.rho !== null)) {
    assert.ok(Math.abs(c.rho! - 1) < 1e-12 || c.rho === 0, `${c.a} with itself: ${c.rho}`);
  }
});

Deno.test("traversals: a traversal grid and an animated GIF per β", () => {
  const dir = outcomes.traversals.dir;
  for (const beta of ["0.1", "10"]) {
    assertImageFile(join(dir, "figures", `traversal_b${beta}.png`));
    const gif = readFileSync(join(dir, "figures", `animation_b${beta}.gif`));
    assert.equal(gif.subarray(0, 6).toString("latin1"), "GIF89a");
    // Loops forever, 3 frames forth and 1 back: one graphic control block per frame.
    const text = gif.toString("latin1");
    assert.match(text, /NETSCAPE2\.0/);
    assert.equal(text.split("\x21\xf9\x04").length - 1, 4);
  }
});

for (const name of Object.keys(TINY)) {
  Deno.test(`${name}: report.html renders in headless Chromium with every figure decoded`, async () => {
    const dir = outcomes[name]?.dir;
    assert.ok(dir, "the experiment did not run");
    const page = await checkPage(`file://${join(dir, "report.html")}`);
    assert.deepEqual(page.errors, []);
    const expected = linkedFigures(readFileSync(join(dir, "report.md"), "utf8")).length;
    assert.equal(page.images.length, expected);
    for (const image of page.images) {
      assert.ok(image.naturalWidth > 0 && image.naturalHeight > 0, `not decoded: ${image.alt}`);
    }
    assert.ok(page.title.length > 0);
  });
}

Deno.test("clean up", async () => {
  await Deno.remove(out, { recursive: true });
});
