// The data set options of `deno task train` and `deno task experiment`: the
// help of --data and --data-path comes from the data set table and names
// every data set; --seed decides the nuisance of the procedural dSprites
// variants; and --data, --data-path and --factor-sizes reach every planned run
// of every experiment, also through the command line a worker is started with.
import assert from "node:assert/strict";
import * as pngjs from "pngjs";
import {
  dataPathHelp,
  datasetHelp,
  datasetNeedsPath,
  DATASETS,
  GROUND_TRUTH_DATASETS,
  makeDataset,
  SEEDED_DATASETS,
} from "../../experiments/_train/make_dataset.ts";
import { parseTrainArgs, trainHelp } from "../../experiments/_train/options.ts";
import { experimentHelp, parseExperimentArgs } from "../../experiments/_experiments/options.ts";
import { studyArgs } from "../../experiments/_experiments/study_args.ts";
import { datasetOf } from "../../experiments/_experiments/held_out.ts";
import { EXPERIMENTS } from "../../experiments/_experiments/registry.ts";
import type { RunOverrides } from "../../experiments/_experiments/types.ts";
import { CliError } from "../../experiments/_train/cli_error.ts";
import { assertThrowsWith } from "../_helpers/assert.ts";

/** The line of `help` that starts with `flag` (after the indent). */
function lineOf(help: string, flag: string): string {
  const line = help.split("\n").find((l) => l.trimStart().startsWith(`${flag} `));
  if (line === undefined) throw new Error(`no ${flag} line in:\n${help}`);
  return line;
}

/** Whether `text` names `name` as a word of its own (dsprites is not dsprites-npz). */
const names = (text: string, name: string) =>
  new RegExp(`(^|[\\s(\\[|,;])${name}[\\s:),;|\\]]`).test(text);

Deno.test("the --data and --data-path help of train and experiment name every data set", () => {
  for (const [what, help] of [["train", trainHelp()], ["experiment", experimentHelp()]]) {
    const data = lineOf(help, "--data");
    const path = lineOf(help, "--data-path");
    for (const name of DATASETS) {
      assert.ok(names(data, name), `${what} --data help names ${name}: ${data}`);
      if (datasetNeedsPath(name)) {
        assert.ok(names(path, name), `${what} --data-path help names ${name}: ${path}`);
      }
    }
    // What each file-based data set expects, as the table says it.
    assert.ok(data.includes(datasetHelp()) && path.includes(dataPathHelp()), what);
    assert.match(path, /shapes3d: the 3dshapes\.h5 file/);
    assert.match(path, /mpi3d: the \.npz file/);
    assert.match(path, /smallnorb: the folder of the six smallnorb-/);
    assert.match(path, /cars3d: the folder holding cars\//);
    assert.match(path, /scream-dsprites: an image/);
  }
  assert.deepEqual(SEEDED_DATASETS, ["color-dsprites", "noisy-dsprites", "scream-dsprites"]);
  const seed = lineOf(trainHelp(), "--seed");
  for (const name of SEEDED_DATASETS) assert.ok(names(seed, name), seed);
  assert.match(seed, /\(default 0\)/);
});

async function picture(): Promise<string> {
  const { PNG } = pngjs as unknown as { PNG: { sync: { write(p: unknown): Uint8Array } } };
  const path = await Deno.makeTempFile({ suffix: ".png" });
  const data = new Uint8Array(96 * 80 * 4).map((_, i) => (i * 37 + (i >> 7)) % 256);
  await Deno.writeFile(path, PNG.sync.write({ width: 96, height: 80, data }));
  return path;
}

Deno.test("--seed decides the variants' nuisance: two seeds differ, the same seed repeats", async () => {
  const path = await picture();
  try {
    const indices = [0, 4321, 500_000];
    for (const data of SEEDED_DATASETS) {
      const images = async (seed: number) => {
        const flags = ["--data", data, "--seed", String(seed)];
        const config = parseTrainArgs(
          data === "scream-dsprites" ? [...flags, "--data-path", path] : flags,
        );
        return (await (await makeDataset(config)).observations(indices)).data;
      };
      const [a, again, b] = [await images(3), await images(3), await images(4)];
      assert.deepEqual(again, a, `${data}: seed 3 twice`);
      assert.notDeepEqual(b, a, `${data}: seeds 3 and 4`);
    }
    // Without a seed (a caller of makeDataset other than the trainer) the variants' default 0.
    const bare = { dataPath: "", imageSize: 64, channels: 3, crops: "" };
    const zero = parseTrainArgs(["--data", "color-dsprites"]);
    assert.equal(zero.seed, 0);
    assert.deepEqual(
      (await (await makeDataset({ ...bare, data: "color-dsprites" })).observations(indices)).data,
      (await (await makeDataset(zero)).observations(indices)).data,
    );
    // The experiments' reports rebuild a run's data set with the run's seed, once per seed.
    const run = (data: "color-dsprites" | "dsprites", seed: number) =>
      datasetOf(parseTrainArgs(["--data", data, "--seed", String(seed)]));
    assert.notEqual(await run("color-dsprites", 1), await run("color-dsprites", 2));
    assert.equal(await run("color-dsprites", 1), await run("color-dsprites", 1));
    assert.equal(await run("dsprites", 1), await run("dsprites", 2));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("--data, --data-path and --factor-sizes reach every planned run of every experiment", async () => {
  for (const [name, definition] of Object.entries(EXPERIMENTS)) {
    // A data set of the experiment's that reads a path where it has one, else its default
    // (tradeoff's plan loads its data set to size its epochs: it plans on the default).
    const data = (name !== "tradeoff" &&
      definition.dataChoices.find((d) => d !== "image-folder" && datasetNeedsPath(d))) ||
      definition.dataChoices[0];
    const flags = [
      ...["--data", data, "--factor-sizes", "2,3,4"],
      ...(datasetNeedsPath(data) ? ["--data-path", "/data/the-file"] : []),
    ];
    const args = parseExperimentArgs([name, ...flags, "--steps", "4"]);
    const expected: RunOverrides = {
      steps: 4,
      data,
      factorSizes: [2, 3, 4],
      ...(datasetNeedsPath(data) ? { dataPath: "/data/the-file" } : {}),
    };
    assert.deepEqual(args.overrides, expected, name);
    // A worker, a Slurm task or a pod reads the same overrides from its command line.
    const again = parseExperimentArgs(
      studyArgs({ name, preset: "quick", out: "/x", overrides: args.overrides, patch: {} }),
    );
    assert.deepEqual(again.overrides, args.overrides, `${name}: through studyArgs`);
    const plan = await definition.plan(definition.presets.quick, {
      dir: `/experiments/${name}-quick`,
      preset: "quick",
      overrides: args.overrides,
      log: () => {},
    });
    assert.ok(plan.length > 0, name);
    for (const run of plan) {
      assert.equal(run.config.data, data, `${name} ${run.id}`);
      assert.equal(run.config.dataPath, expected.dataPath ?? "", `${name} ${run.id}`);
      assert.deepEqual(run.config.factorSizes, [2, 3, 4], `${name} ${run.id}`);
    }
  }
});

Deno.test("the experiments that score factors take every ground-truth data set", () => {
  assert.deepEqual(GROUND_TRUTH_DATASETS, [
    ...["dsprites", "dsprites-npz", "shapes", "smallnorb", "cars3d"],
    ...["color-dsprites", "noisy-dsprites", "scream-dsprites", "shapes3d", "mpi3d"],
  ]);
  for (const name of ["study", "grouped", "tradeoff", "traversals"]) {
    const choices = EXPERIMENTS[name].dataChoices;
    for (const data of GROUND_TRUTH_DATASETS) assert.ok(choices.includes(data), `${name}: ${data}`);
    assert.equal(choices[0], "dsprites", `${name}: the default`);
  }
  // The help lists them under each experiment.
  assert.match(
    experimentHelp(),
    /study .*\n +data: dsprites, dsprites-npz, .*mpi3d \(default dsprites\)/,
  );
});

Deno.test("experiment --factor-sizes and --data-path: bad values name the flag", () => {
  assertThrowsWith(
    () => parseExperimentArgs(["study", "--factor-sizes", "2,x"]),
    CliError,
    /^Cannot read the options: --factor-sizes must be a comma-separated list of positive integers, got "2,x"$/,
  );
  assertThrowsWith(
    () => parseExperimentArgs(["study", "--factor-sizes", "0,2"]),
    CliError,
    /--factor-sizes must be a comma-separated list of positive integers/,
  );
  for (const data of DATASETS.filter(datasetNeedsPath)) {
    assertThrowsWith(
      () => parseExperimentArgs(["study", "--data", data]),
      CliError,
      new RegExp(`^Cannot read the options: --data ${data} needs --data-path$`),
    );
  }
});
