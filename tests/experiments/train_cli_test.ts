import assert from "node:assert/strict";
import { assertThrowsWith } from "../_helpers/assert.ts";
import { parseTrainArgs, trainConfig } from "../../experiments/_train/options.ts";
import { listObjectives } from "../../models/list_objectives.ts";
import { CliError } from "../../experiments/_train/cli_error.ts";
import { assertOneLineError, runScript } from "../_helpers/cli.ts";

const TRAIN = new URL("../../experiments/train.ts", import.meta.url).pathname;

const train = (args: string[]) => runScript(TRAIN, args);

Deno.test("parseTrainArgs applies defaults, flags and config files, and names bad values", async () => {
  const c = parseTrainArgs([]);
  if (
    c.data !== "dsprites" || c.objective !== "beta-tcvae" || c.beta !== 6 || c.backend !== "wasm"
  ) {
    throw new Error(`unexpected defaults: ${JSON.stringify(c)}`);
  }
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/c.json`,
      JSON.stringify({ latentDim: 6, "group-sizes": [3, 3], beta: 2 }),
    );
    const d = parseTrainArgs([
      "--config",
      `${dir}/c.json`,
      "--beta",
      "4",
      "--objective",
      "grouped",
    ]);
    if (d.latentDim !== 6 || d.beta !== 4 || d.groupSizes?.join() !== "3,3") {
      throw new Error(`config file or flags ignored: ${JSON.stringify(d)}`);
    }
    await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify({ beta: "six" }));
    assertThrowsWith(
      () => parseTrainArgs(["--config", `${dir}/bad.json`]),
      CliError,
      /"beta" in .*bad\.json must be a number, got "six"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assertThrowsWith(
    () => parseTrainArgs(["--model", "resnet"]),
    CliError,
    /--model must be one of burgess, locatello-mlp/,
  );
  assertThrowsWith(
    () => parseTrainArgs(["--steps", "1.5"]),
    CliError,
    /--steps must be an integer, got "1\.5"/,
  );
  assertThrowsWith(() => parseTrainArgs(["--lr=-1"]), CliError, /--lr must be ≥ 0/);
  assertThrowsWith(
    () => parseTrainArgs(["--objective", "grouped", "--latent-dim", "6", "--group-sizes", "2,2"]),
    CliError,
    /--group-sizes 2,2 add up to 4, not --latent-dim 6/,
  );
  assertThrowsWith(() => parseTrainArgs(["--data", "image-folder"]), CliError, /needs --data-path/);
});

Deno.test("on --resume the run's saved options fill in what is not given; given ones win", async () => {
  const out = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${out}/r`);
    const saved = { ...parseTrainArgs(["--name", "r"]), beta: 2, latentDim: 4, steps: 300 };
    await Deno.writeTextFile(`${out}/r/config.json`, JSON.stringify({ config: saved }));
    await Deno.writeTextFile(`${out}/c.json`, JSON.stringify({ latentDim: 5 }));
    const c = parseTrainArgs([
      "--out",
      out,
      "--name",
      "r",
      "--resume",
      "--steps",
      "600",
      "--config",
      `${out}/c.json`,
    ]);
    // beta from the run, steps from the flag, latentDim from the config file.
    if (c.beta !== 2 || c.steps !== 600 || c.latentDim !== 5 || c.out !== out) {
      throw new Error(`resume options: ${JSON.stringify(c)}`);
    }
    // Without --resume the run folder is not consulted.
    if (parseTrainArgs(["--out", out, "--name", "r"]).beta !== 6) {
      throw new Error("read without --resume");
    }
    await Deno.writeTextFile(`${out}/r/config.json`, JSON.stringify({ config: { beta: "two" } }));
    assertThrowsWith(
      () => parseTrainArgs(["--out", out, "--name", "r", "--resume"]),
      CliError,
      /"beta" in .*config\.json must be a number, got "two"/,
    );
    await Deno.writeTextFile(`${out}/r/config.json`, "{");
    assertThrowsWith(
      () => parseTrainArgs(["--out", out, "--name", "r", "--resume"]),
      CliError,
      /Cannot resume: .*config\.json is not readable JSON/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("the train command answers bad input with one line and a non-zero exit", async () => {
  assertOneLineError(
    await train(["--bogus"]),
    /^error: Cannot read the options: unknown option --bogus/,
  );
  assertOneLineError(await train(["--model", "vgg"]), /^error: .*--model must be one of/);
  assertOneLineError(
    await train(["--config", "/no/such/file.json"]),
    /^error: Cannot read the config file \/no\/such\/file\.json: the file does not exist/,
  );
  assertOneLineError(
    await train([
      "--data",
      "dsprites-npz",
      "--data-path",
      "/no/such/dsprites.npz",
      "--out",
      await Deno.makeTempDir(),
    ]),
    /^error: Cannot .*\/no\/such\/dsprites\.npz/,
  );
});

Deno.test("--help lists every option with its default", async () => {
  const { code, stdout } = await train(["--help"]);
  if (
    code !== 0 || !/--beta N .*\(default 6\)/.test(stdout) ||
    !/--backend TEXT .*wasm\|cpu/.test(stdout)
  ) {
    throw new Error(`unexpected help:\n${stdout}`);
  }
});

Deno.test("a tiny run writes a complete run folder, and --resume continues it", async () => {
  const out = await Deno.makeTempDir();
  const common = [
    "--data",
    "shapes",
    "--image-size",
    "28",
    "--model",
    "mnist-mlp",
    "--latent-dim",
    "4",
    "--out",
    out,
    "--name",
    "tiny",
    "--log-every",
    "2",
    "--eval-every",
    "4",
    "--checkpoint-every",
    "4",
    "--metric-samples",
    "300",
    "--score-points",
    "20",
    "--batch-size",
    "16",
  ];
  try {
    const first = await train([...common, "--steps", "4"]);
    if (first.code !== 0) throw new Error(`first run failed:\n${first.stderr}`);
    const run = `${out}/tiny`;
    for (
      const f of [
        "config.json",
        "log.jsonl",
        "summary.json",
        "status.json",
        "model/vae.json",
        "model/encoder/model.json",
        "images/reconstructions.png",
        "images/samples.png",
        "images/traversals.png",
        "checkpoint/state.json",
      ]
    ) {
      await Deno.stat(`${run}/${f}`);
    }
    const status = JSON.parse(await Deno.readTextFile(`${run}/status.json`));
    if (status.state !== "complete") throw new Error(`status ${status.state}`);
    const again = await train([...common, "--steps", "4"]);
    assertOneLineError(again, /already exists and holds a finished run/);
    const changed = await train([...common, "--steps", "8", "--resume", "--beta", "2"]);
    assertOneLineError(changed, /Cannot resume .*options differ .*beta 6 → 2/);
    // An interrupted session logs past its last checkpoint (and may cut a line
    // short); the resume must train those steps again without doubling the log.
    const stale = { step: 6, epoch: 0, seconds: 99, train: { loss: 1 } };
    await Deno.writeTextFile(`${run}/log.jsonl`, JSON.stringify(stale) + '\n{"step":8,"ep', {
      append: true,
    });
    // The run's own options fill in whatever the resume does not give.
    const resumed = await train(["--out", out, "--name", "tiny", "--steps", "8", "--resume"]);
    if (resumed.code !== 0) throw new Error(`resume failed:\n${resumed.stderr}`);
    const records = (await Deno.readTextFile(`${run}/log.jsonl`)).trim().split("\n")
      .map((l) => JSON.parse(l));
    const steps = records.filter((r) => r.train).map((r) => r.step);
    if (steps.join() !== "2,4,6,8") throw new Error(`log steps ${steps}`);
    if (records.some((r) => r.seconds === 99)) throw new Error("the stale record survived");
    // Times count both sessions: they never go back.
    const seconds = records.map((r) => r.seconds as number);
    if (seconds.some((t, i) => i > 0 && t < seconds[i - 1])) throw new Error(`seconds ${seconds}`);
    const summary = JSON.parse(await Deno.readTextFile(`${run}/summary.json`));
    if (summary.steps !== 8 || typeof summary.metrics.scores.mig !== "number") {
      throw new Error(`summary: ${JSON.stringify(summary).slice(0, 300)}`);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("the same seed gives the same run; per-term warm-ups reach the log", async () => {
  const out = await Deno.makeTempDir();
  const args = (name: string, seed: number) => [
    "--data",
    "shapes",
    "--image-size",
    "28",
    "--model",
    "mnist-mlp",
    "--latent-dim",
    "3",
    "--out",
    out,
    "--name",
    name,
    "--steps",
    "4",
    "--log-every",
    "1",
    "--batch-size",
    "16",
    "--metric-samples",
    "200",
    "--score-points",
    "0",
    "--seed",
    String(seed),
    "--kl-warmup",
    "0",
    "--beta-warmup",
    "3",
  ];
  const losses = async (name: string) =>
    (await Deno.readTextFile(`${out}/${name}/log.jsonl`)).trim().split("\n")
      .map((l) => JSON.parse(l)).filter((r) => r.train).map((r) => r.train.loss);
  try {
    for (const [name, seed] of [["a", 3], ["b", 3], ["c", 4]] as const) {
      const r = await train(args(name, seed));
      if (r.code !== 0) throw new Error(`run ${name} failed:\n${r.stderr}`);
    }
    const [a, b, c] = [await losses("a"), await losses("b"), await losses("c")];
    if (a.length !== 4 || a.join() !== b.join()) throw new Error(`same seed differs: ${a} vs ${b}`);
    if (a.join() === c.join()) throw new Error("different seeds gave the same run");
    const config = JSON.parse(await Deno.readTextFile(`${out}/a/config.json`)).config;
    if (config.betaWarmup !== 3 || config.klWarmup !== 0) throw new Error("warm-ups not recorded");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a run without a validation split finishes, ordering traversals by the training KL", async () => {
  const out = await Deno.makeTempDir();
  try {
    const r = await train([
      ...["--data", "shapes", "--image-size", "28", "--model", "mnist-mlp", "--latent-dim", "3"],
      ...["--out", out, "--name", "nv", "--steps", "2", "--batch-size", "16"],
      ...["--metric-samples", "200", "--score-points", "0", "--validation-fraction", "0"],
    ]);
    if (r.code !== 0) throw new Error(`run failed:\n${r.stderr}`);
    const summary = JSON.parse(await Deno.readTextFile(`${out}/nv/summary.json`));
    if (summary.finalValidation !== null || [...summary.klOrder].sort().join() !== "0,1,2") {
      throw new Error(`summary: ${JSON.stringify(summary).slice(0, 300)}`);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("each objective's options and defaults come from its registry record, and only its own", () => {
  for (const o of listObjectives()) {
    const c = parseTrainArgs(["--objective", o.name]) as unknown as Record<string, unknown>;
    const own = o.hyperparameters.filter((h) => !h.fixed);
    for (const h of own) {
      const d = h.default;
      const expected = typeof d === "object" && !Array.isArray(d)
        ? (d as { times: number }).times * (c[(d as { of: string }).of] as number)
        : d;
      assert.deepEqual(c[h.name], expected, `${o.name}: ${h.name}`);
    }
    // No other objective's hyper-parameters, and warm-ups only for weights it warms.
    const others = listObjectives().flatMap((p) => p.hyperparameters.map((h) => h.name))
      .filter((name) => !own.some((h) => h.name === name));
    for (const name of others) assert.ok(!(name in c), `${o.name} carries ${name}`);
    const warmed = o.hyperparameters.filter((h) => h.warmup);
    assert.equal("klWarmup" in c, warmed.length > 0, `${o.name}: klWarmup`);
    for (const h of o.hyperparameters) {
      assert.equal(`${h.name}Warmup` in c, h.warmup, `${o.name}: ${h.name}Warmup`);
    }
  }
  // The disagreements the registry removed: capacity trains with its γ = 1000, β-VAE with
  // β = 4, and a β-VAE run holds no α or γ.
  const capacity = parseTrainArgs(["--objective", "capacity"]);
  assert.equal(capacity.gamma, 1000);
  assert.equal(capacity.capacityMax, 25);
  assert.ok(!("beta" in capacity) && !("klWarmup" in capacity));
  const betaVae = parseTrainArgs(["--objective", "beta-vae"]);
  assert.equal(betaVae.beta, 4);
  assert.ok(!("alpha" in betaVae) && !("gamma" in betaVae) && !("groupSizes" in betaVae));
  // Explicit values are kept as they were.
  assert.equal(parseTrainArgs(["--objective", "capacity", "--gamma", "1"]).gamma, 1);
  assert.equal(parseTrainArgs(["--objective", "beta-vae", "--beta", "6"]).beta, 6);
  // DIP-VAE's λ_d follows λ_od unless given: 10·λ_od (I), λ_od (II).
  assert.equal(parseTrainArgs(["--objective", "dip-vae-i", "--lambda-od", "5"]).lambdaD, 50);
  assert.equal(parseTrainArgs(["--objective", "dip-vae-ii", "--lambda-od", "5"]).lambdaD, 5);
  assert.equal(
    parseTrainArgs(["--objective", "dip-vae-i", "--lambda-od", "5", "--lambda-d", "7"]).lambdaD,
    7,
  );
  const factor = parseTrainArgs(["--objective", "factor-vae"]);
  assert.deepEqual(
    [factor.gamma, factor.discriminatorLayers, factor.discriminatorUnits, factor.discriminatorLr],
    [10, 6, 1000, 1e-4],
  );
  // An option the objective does not read is an error, not silently carried.
  assertThrowsWith(
    () => parseTrainArgs(["--objective", "beta-vae", "--gamma", "3"]),
    CliError,
    /--gamma is not read by --objective beta-vae \(its options: --beta, --kl-warmup, --beta-warmup\)/,
  );
  assertThrowsWith(
    () => parseTrainArgs(["--objective", "capacity", "--gamma-warmup", "10"]),
    CliError,
    /--gamma-warmup is not read by --objective capacity/,
  );
  assertThrowsWith(
    () => trainConfig({ objective: "dip-vae-ii", beta: 2 }),
    CliError,
    /"beta" in the run's options is not read by --objective dip-vae-ii \(its options: --lambda-od, --lambda-d\)/,
  );
});

Deno.test("--help lists every objective with the options it reads", async () => {
  const { stdout } = await train(["--help"]);
  for (const o of listObjectives()) {
    assert.ok(stdout.includes(`  ${o.name} `) && stdout.includes(o.title), `${o.name} in help`);
  }
  assert.match(stdout, /--gamma N .*capacity: weight of \|KL − C\| \(default 1000\)/);
  assert.match(stdout, /--lambda-d N .*dip-vae-i: .*\(default 10·--lambda-od\)/);
});
