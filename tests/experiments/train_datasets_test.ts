// `deno task train` on the data sets read from files (the shared fixtures) and
// the procedural dSprites variants: 2 steps write a complete run folder, and
// metrics that cannot work on a few dozen images say so in the summary.
import assert from "node:assert/strict";
import { assertOneLineError, runScript } from "../_helpers/cli.ts";
import { SHARED_DATASETS, sharedFixturesPresent } from "../_helpers/norb_mat.ts";
import * as pngjs from "pngjs";

const TRAIN = new URL("../../experiments/train.ts", import.meta.url).pathname;
const FILES = ["config.json", "log.jsonl", "summary.json", "status.json", "model/vae.json"];

async function twoSteps(args: string[]) {
  const out = await Deno.makeTempDir();
  try {
    const r = await runScript(TRAIN, [...args, "--steps", "2", "--out", out, "--name", "r"]);
    if (r.code !== 0) throw new Error(`train ${args.join(" ")} failed:\n${r.stderr}`);
    for (const f of FILES) await Deno.stat(`${out}/r/${f}`);
    const status = JSON.parse(await Deno.readTextFile(`${out}/r/status.json`));
    assert.equal(status.state, "complete");
    return { summary: JSON.parse(await Deno.readTextFile(`${out}/r/summary.json`)), ...r };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

const present = sharedFixturesPresent();

Deno.test({
  name: "train --data smallnorb on the fixture folder: 10 images train and are scored",
  ignore: !present,
  async fn() {
    const { summary, stdout, stderr } = await twoSteps([
      "--data",
      "smallnorb",
      "--data-path",
      SHARED_DATASETS,
    ]);
    assert.match(stdout + stderr, /training split has 10 examples, .* repeated 7 times/);
    assert.equal(summary.steps, 2);
    assert.equal(typeof summary.metrics.scores.mig, "number");
    // The fixture holds 10 of 4860 cells: the β-VAE score's pairs need absent ones.
    assert.match(summary.metrics.details.betaVaeScore.error, /not in SmallNORB .*10 of the 4860/);
  },
});

Deno.test({
  name: "train --data cars3d on the fixture (the folder holding cars/ and cars/ itself)",
  ignore: !present,
  async fn() {
    for (const path of [SHARED_DATASETS, `${SHARED_DATASETS}cars`]) {
      const { summary } = await twoSteps(["--data", "cars3d", "--data-path", path]);
      assert.equal(typeof summary.metrics.scores.betaVaeScore, "number");
    }
  },
});

Deno.test("train --data color-, noisy-, scream-dsprites: 2 steps write a complete run", async () => {
  const { PNG } = pngjs as unknown as { PNG: { sync: { write(p: unknown): Uint8Array } } };
  const picture = await Deno.makeTempFile({ suffix: ".png" });
  const data = new Uint8Array(96 * 80 * 4).map((_, i) => (i * 37) % 256);
  await Deno.writeFile(picture, PNG.sync.write({ width: 96, height: 80, data }));
  try {
    // Fewer metric samples than the defaults, to keep the test short.
    const quick = ["--metric-samples", "300", "--score-points", "20"];
    for (const data of ["color-dsprites", "noisy-dsprites"]) {
      const { summary } = await twoSteps(["--data", data, ...quick]);
      assert.equal(typeof summary.metrics.scores.factorVaeScore, "number");
    }
    const { summary } = await twoSteps([
      "--data",
      "scream-dsprites",
      "--data-path",
      picture,
      ...quick,
    ]);
    assert.equal(typeof summary.metrics.scores.mig, "number");
    assertOneLineError(
      await runScript(TRAIN, ["--data", "scream-dsprites", "--out", await Deno.makeTempDir()]),
      /--data scream-dsprites needs --data-path/,
    );
  } finally {
    await Deno.remove(picture);
  }
});

Deno.test("train --data smallnorb / cars3d on a folder without their files: one error line", async () => {
  const empty = await Deno.makeTempDir();
  try {
    for (
      const [data, pattern] of [
        ["smallnorb", /^error: Cannot read SmallNORB from .*: no smallnorb-\*/],
        ["cars3d", /^error: Cannot read Cars3D from .*: no \.mat files/],
      ] as const
    ) {
      assertOneLineError(
        await runScript(TRAIN, ["--data", data, "--data-path", empty, "--out", empty]),
        pattern,
      );
    }
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});
