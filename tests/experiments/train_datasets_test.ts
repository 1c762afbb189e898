// `deno task train` on the procedural dSprites variants (2 steps write a
// complete run folder), and SmallNORB / Cars3D folders without their files
// (one error line). The shared fixtures are trained in train_fixtures_test.ts.
import assert from "node:assert/strict";
import { assertOneLineError, runScript } from "../_helpers/cli.ts";
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
