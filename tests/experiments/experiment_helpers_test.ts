// The pieces behind the experiment reports: options, CSV, spreads, cell
// formats, log reading, a run's model, image grids and GIFs; and the command
// line's answers to bad input.
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseExperimentArgs } from "../../experiments/_experiments/options.ts";
import { toCsv } from "../../experiments/_experiments/data_files.ts";
import { betweenShare, formatSpread, spread } from "../../experiments/_experiments/stats.ts";
import { formatCell } from "../../experiments/_experiments/report.ts";
import { readLog } from "../../experiments/_experiments/read_log.ts";
import {
  comparisonRaster,
  decodeCodes,
  encodeGif,
  gridRaster,
  traversalImages,
} from "../../experiments/_experiments/images.ts";
import { withModel } from "../../experiments/_experiments/with_model.ts";
import { buildVae } from "../../models/build_vae.ts";
import { saveVae } from "../../models/save_vae.ts";
import { CliError } from "../../experiments/_train/cli_error.ts";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { runScript } from "../_helpers/cli.ts";
import { tf } from "../_helpers/tf.ts";

const CLI = new URL("../../experiments/experiment.ts", import.meta.url).pathname;

const cli = (args: string[]) => runScript(CLI, args);

Deno.test("parseExperimentArgs reads the name, preset and overrides, and names bad values", () => {
  const a = parseExperimentArgs(["grouped", "--preset", "paper", "--seeds", "4", "--steps", "10"]);
  assert.equal(a.name, "grouped");
  assert.equal(a.preset, "paper");
  assert.equal(a.out, "runs/experiments");
  assert.deepEqual(a.overrides, { seeds: 4, steps: 10 });
  const b = parseExperimentArgs(["tradeoff", "--data", "image-folder", "--data-path", "dogs"]);
  assert.deepEqual(b.overrides, { data: "image-folder", dataPath: "dogs" });
  assert.equal(b.preset, "quick");
  assertThrowsWith(
    () => parseExperimentArgs(["nope"]),
    CliError,
    /unknown experiment "nope" \(choose one of tradeoff, capacity, transfer, grouped, traversals, study\)/,
  );
  assertThrowsWith(() => parseExperimentArgs([]), CliError, /name one \(tradeoff/);
  assertThrowsWith(
    () => parseExperimentArgs(["tradeoff", "--preset", "fast"]),
    CliError,
    /--preset must be quick or paper, got "fast"/,
  );
  assertThrowsWith(
    () => parseExperimentArgs(["tradeoff", "--steps", "0"]),
    CliError,
    /--steps must be an integer ≥ 1, got "0"/,
  );
  assertThrowsWith(
    () => parseExperimentArgs(["tradeoff", "--seeds", "2.5"]),
    CliError,
    /--seeds must be an integer ≥ 1, got "2\.5"/,
  );
  assertThrowsWith(
    () => parseExperimentArgs(["tradeoff", "--data", "image-folder"]),
    CliError,
    /--data image-folder needs --data-path/,
  );
  assertThrowsWith(
    () => parseExperimentArgs(["tradeoff", "--bogus"]),
    CliError,
    /unknown option --bogus/,
  );
  assertThrowsWith(
    () => parseExperimentArgs(["tradeoff", "capacity"]),
    CliError,
    /give one experiment name, got tradeoff capacity/,
  );
});

Deno.test("the experiment command prints help and answers mistakes with one line", async () => {
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
  for (const name of ["tradeoff", "capacity", "transfer", "grouped", "traversals"]) {
    assert.match(help.stdout, new RegExp(`^  ${name} `, "m"));
  }
  assert.match(help.stdout, /--preset quick\|paper/);
  const bad = await cli(["capacity", "--preset", "slow"]);
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stderr.trim(),
    'error: Cannot read the options: --preset must be quick or paper, got "slow"',
  );
  // A data set the experiment cannot use is refused before anything trains.
  const out = await Deno.makeTempDir();
  try {
    const wrong = await cli(["capacity", "--data", "mnist", "--out", out]);
    assert.equal(wrong.code, 1);
    const lines = wrong.stderr.trim().split("\n").filter((l) => !l.startsWith("warning"));
    assert.deepEqual(lines, [
      "error: Cannot run the experiment capacity: --data must be one of shapes, got mnist",
    ]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("toCsv quotes commas, quotes and newlines, and unions the columns", () => {
  assert.equal(
    toCsv([{ a: 1, b: "x,y" }, { b: 'say "hi"', c: "two\nlines" }, { a: null }]),
    'a,b,c\n1,"x,y",\n,"say ""hi""","two\nlines"\n,,\n',
  );
});

Deno.test("spread gives the sample standard deviation and range; formatSpread shows them", () => {
  const s = spread([2, 4, 4, 4, 5, 5, 7, 9]);
  assertClose(s.mean, 5);
  assertClose(s.sd, Math.sqrt(32 / 7));
  assert.equal(s.min, 2);
  assert.equal(s.max, 9);
  assert.equal(formatSpread(s, 2), "5.00 ± 2.14 (2.00–9.00, n = 8)");
  assert.equal(spread([3]).sd, 0);
  assert.equal(formatSpread(spread([3]), 1), "3.0");
  assert.equal(spread([NaN, Infinity]).n, 0);
  assert.equal(formatSpread(spread([]), 1), "–");
});

Deno.test("betweenShare splits the variance between and within groups", () => {
  // 1, 2 | 3, 4: mean 2.5, total Σ(x − 2.5)² = 5, between 2·1² + 2·1² = 4.
  const values = [1, 2, 3, 4];
  assert.equal(betweenShare(values, (i) => (i < 2 ? "a" : "b")), 0.8);
  assert.equal(betweenShare(values, () => "one"), 0);
  assert.equal(betweenShare(values, (i) => String(i)), 1);
  assert.equal(betweenShare([2, 2, 2], (i) => String(i)), 0);
});

Deno.test("formatCell keeps integers, rounds decimals and switches to exponents for tiny values", () => {
  assert.equal(formatCell(12), "12");
  assert.equal(formatCell(0.12345), "0.123");
  assert.equal(formatCell(0.00012345), "1.23e-4");
  assert.equal(formatCell(-2.5, 1), "-2.5");
  assert.equal(formatCell(null), "–");
  assert.equal(formatCell("β-VAE"), "β-VAE");
  assert.equal(formatCell(0), "0");
});

Deno.test("readLog splits training and validation lines and keeps the later of repeated steps", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = [
      { step: 2, epoch: 0, seconds: 1, train: { loss: 5, klPerDimension: [1, 2] } },
      {
        step: 2,
        epoch: 0,
        seconds: 1,
        validation: { loss: 6, activeUnits: 1, klPerDimension: [3] },
      },
      { step: 4, epoch: 1, seconds: 2, train: { loss: 4, klPerDimension: [1, 1] } },
      // A resume from step 2 logs step 4 again: the later line wins.
      { step: 4, epoch: 1, seconds: 3, train: { loss: 3.5, klPerDimension: [0, 1] } },
    ];
    await Deno.writeTextFile(
      join(dir, "log.jsonl"),
      lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
    );
    const { train, validation } = await readLog(dir);
    assert.deepEqual(train.map((l) => [l.step, l.values.loss]), [[2, 5], [4, 3.5]]);
    assert.deepEqual(train[1].klPerDimension, [0, 1]);
    assert.deepEqual(validation.map((l) => l.values), [{ loss: 6, activeUnits: 1 }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withModel disposes the run's model after its callback, also when the callback throws", async () => {
  const run = await Deno.makeTempDir();
  try {
    const vae = buildVae("mnist-mlp", { inputShape: [4, 4, 1], latentDim: 3, seed: 1 });
    await saveVae(vae, join(run, "model"));
    vae.encoder.dispose();
    vae.decoder.dispose();
    const before = tf.memory().numTensors;
    const latentDim = await withModel(run, (model) => {
      assert.ok(tf.memory().numTensors > before, "the model is loaded while the callback runs");
      return model.latentDim;
    });
    assert.equal(latentDim, 3);
    assert.equal(tf.memory().numTensors, before);
    await assert.rejects(
      withModel(run, async (model) => {
        await Promise.resolve();
        throw new Error(`failed with a model of ${model.latentDim} latents`);
      }),
      /failed with a model of 3 latents/,
    );
    assert.equal(tf.memory().numTensors, before, "the model is disposed after the throw");
  } finally {
    await Deno.remove(run, { recursive: true });
  }
});

Deno.test("gridRaster lays images out row-major with grey padding and scaling", () => {
  // Three 1×2 grey images (values 0, 0.5, 1 per image), 2 columns, padding 1, scale 2.
  const data = Float32Array.from([0, 0, 0.5, 0.5, 1, 1]);
  const r = gridRaster({ data, shape: [3, 1, 2, 1] }, { columns: 2, padding: 1, scale: 2 });
  assert.equal(r.width, 2 * 4 + 3);
  assert.equal(r.height, 2 * 2 + 3);
  const px = (x: number, y: number) =>
    Array.from(r.rgba.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 4));
  assert.deepEqual(px(0, 0), [160, 160, 160, 255]); // padding
  assert.deepEqual(px(1, 1), [0, 0, 0, 255]); // image 0
  assert.deepEqual(px(4, 2), [0, 0, 0, 255]); // image 0, scaled
  assert.deepEqual(px(6, 1), [128, 128, 128, 255]); // image 1
  assert.deepEqual(px(1, 4), [255, 255, 255, 255]); // image 2, second row
  assert.deepEqual(px(6, 4), [160, 160, 160, 255]); // empty cell
  assertThrowsWith(
    () => gridRaster({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, { columns: 1 }),
    TypeError,
    /need 1 or 3 channels, got 2/,
  );
});

Deno.test("comparisonRaster puts each series in a row (wrapping in bands) or in a column", () => {
  // Two series of three 1×1 grey images: originals 0.1, 0.2, 0.3 and copies 0.6, 0.7, 0.8.
  const originals = { data: Float32Array.from([0.1, 0.2, 0.3]), shape: [3, 1, 1, 1] as const };
  const copies = { data: Float32Array.from([0.6, 0.7, 0.8]), shape: [3, 1, 1, 1] as const };
  const cells = (r: { rgba: Uint8Array; width: number }, cols: number, rows: number) =>
    Array.from(
      { length: rows },
      (_, y) =>
        Array.from({ length: cols }, (_, x) => r.rgba[((1 + 2 * y) * r.width + 1 + 2 * x) * 4]),
    );
  const byRow = comparisonRaster([originals, copies], { by: "row", columns: 2, padding: 1 });
  assert.deepEqual([byRow.width, byRow.height], [5, 9]);
  const v = (x: number) => Math.round(Math.fround(x) * 255);
  assert.deepEqual(cells(byRow, 2, 4), [
    [v(0.1), v(0.2)],
    [v(0.6), v(0.7)],
    [v(0.3), 0], // a cell past the last image stays black
    [v(0.8), 0],
  ]);
  const byColumn = comparisonRaster([originals, copies], { by: "column", padding: 1 });
  assert.deepEqual(cells(byColumn, 2, 3), [[v(0.1), v(0.6)], [v(0.2), v(0.7)], [v(0.3), v(0.8)]]);
  assertThrowsWith(
    () => comparisonRaster([originals, { data: new Float32Array(2), shape: [2, 1, 1, 1] }]),
    TypeError,
    /series 1 has shape \[2,1,1,1\], not \[3,1,1,1\]/,
  );
});

Deno.test("traversalImages decodes each base with one latent set, row per latent, and leaks nothing", () => {
  const vae = buildVae("mnist-mlp", { inputShape: [4, 4, 1], latentDim: 3, seed: 2 });
  try {
    const bases = [Float32Array.from([0.5, -1, 2]), Float32Array.from([1, 1, 1])];
    const before = tf.memory().numTensors;
    const images = traversalImages(vae, [2, 0], {
      bases,
      values: [-3, 4],
      likelihood: "bernoulli",
    });
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(images.shape, [4, 4, 4, 1]);
    const expected = decodeCodes(vae, [
      Float32Array.from([0.5, -1, -3]),
      Float32Array.from([1, 1, 4]),
      Float32Array.from([-3, -1, 2]),
      Float32Array.from([4, 1, 1]),
    ], "bernoulli");
    assert.deepEqual(images.data, expected.data);
    assert.ok(images.data.every((p) => p > 0 && p < 1), "Bernoulli logits become probabilities");
    assert.deepEqual(bases[0], Float32Array.from([0.5, -1, 2]), "the bases stay as they were");
    assertThrowsWith(
      () => traversalImages(vae, [0], { bases, values: [1], likelihood: "gaussian" }),
      RangeError,
      /2 bases for 1 values/,
    );
  } finally {
    vae.encoder.dispose();
    vae.decoder.dispose();
  }
});

Deno.test("encodeGif writes a looping GIF of equal-sized frames and refuses mismatched ones", () => {
  const frame = (v: number) => ({ rgba: new Uint8Array(4 * 4 * 4).fill(v), width: 4, height: 4 });
  const gif = encodeGif([frame(0), frame(255), frame(0)], 50);
  const text = new TextDecoder("latin1").decode(gif);
  assert.equal(text.slice(0, 6), "GIF89a");
  assert.equal(gif[6] | (gif[7] << 8), 4); // logical screen width
  assert.match(text, /NETSCAPE2\.0/);
  assert.equal(text.split("\x21\xf9\x04").length - 1, 3);
  assert.equal(gif[gif.length - 1], 0x3b); // trailer
  assertThrowsWith(() => encodeGif([]), RangeError, /no frames/);
  assertThrowsWith(
    () => encodeGif([frame(0), { rgba: new Uint8Array(16), width: 2, height: 2 }]),
    RangeError,
    /frame 1 is 2×2, not 4×4/,
  );
});
