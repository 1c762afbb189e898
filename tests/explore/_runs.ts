// Test set-up for the explorer: tiny run folders (trained for real, or built
// directly with saveVae for speed) and the command line as a subprocess.
import { join } from "node:path";
import { assertOneLineError, type CommandResult, runScript } from "../_helpers/cli.ts";
import "../_helpers/tf.ts";
import { buildVae } from "../../models/build_vae.ts";
import { saveVae } from "../../models/save_vae.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
export const EXPLORE = join(ROOT, "experiments/explore.ts");
const TRAIN = join(ROOT, "experiments/train.ts");

export { assertOneLineError };

/** Trains the tiny run of tests/experiments/train_cli_test.ts into `out/tiny` (seconds). */
export async function trainTinyRun(out: string): Promise<string> {
  const r = await runScript(TRAIN, [
    ...["--data", "shapes", "--image-size", "28", "--model", "mnist-mlp", "--latent-dim", "4"],
    ...["--steps", "4", "--batch-size", "16", "--metric-samples", "300", "--score-points", "20"],
    ...["--log-every", "2", "--eval-every", "2", "--out", out, "--name", "tiny"],
  ]);
  if (r.code !== 0) throw new Error(`training failed:\n${r.stderr}`);
  return join(out, "tiny");
}

/**
 * A run folder without training: an untrained mnist-mlp VAE on 28×28 Shapes
 * saved as `model/`, with config.json, a two-line log and (unless
 * `finished: false`) a summary naming `klOrder` and the active units.
 */
export async function fakeRun(
  dir: string,
  { latentDim = 3, finished = true, seed = 5 } = {},
): Promise<string> {
  const vae = buildVae("mnist-mlp", { inputShape: [28, 28, 1], latentDim, seed });
  const modelConfig = {
    architecture: "mnist-mlp",
    latentDim,
    inputShape: [28, 28, 1],
    objective: "beta-vae",
    likelihood: "bernoulli",
    data: "shapes",
  };
  await saveVae(vae, join(dir, finished ? "model" : "checkpoint/model"), { config: modelConfig });
  vae.encoder.dispose();
  vae.decoder.dispose();
  const config = {
    data: "shapes",
    dataPath: "",
    imageSize: 28,
    model: "mnist-mlp",
    objective: "beta-vae",
    latentDim,
    beta: 4,
    seed: 0,
    validationFraction: 0.01,
  };
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify({ config }));
  const kl = Array.from({ length: latentDim }, (_, j) => (j + 1) / 10);
  await Deno.writeTextFile(
    join(dir, "log.jsonl"),
    [
      { step: 10, train: { loss: 500, kl: 1, klPerDimension: kl.map((v) => v / 2) } },
      { step: 20, train: { loss: 400, kl: 2, klPerDimension: kl } },
      { step: 20, validation: { loss: 420, kl: 2.5, klPerDimension: kl, activeUnits: 2 } },
    ].map((r) => JSON.stringify(r)).join("\n") + "\n",
  );
  if (finished) {
    const klOrder = Array.from({ length: latentDim }, (_, j) => latentDim - 1 - j);
    await Deno.writeTextFile(
      join(dir, "summary.json"),
      JSON.stringify({
        steps: 20,
        seconds: 3,
        stepsPerSecond: 6.7,
        backend: "wasm",
        finalTrain: { loss: 400 },
        finalValidation: { loss: 420 },
        metrics: { scores: { mig: 0.25, activeUnits: 2 }, activeUnits: [1, 2], samples: 100 },
        klOrder,
      }),
    );
    await Deno.writeTextFile(join(dir, "status.json"), JSON.stringify({ state: "complete" }));
  } else {
    await Deno.writeTextFile(join(dir, "checkpoint/state.json"), JSON.stringify({ step: 20 }));
    await Deno.writeTextFile(join(dir, "status.json"), JSON.stringify({ state: "running" }));
  }
  return dir;
}

/** Runs `deno task explore` with `args` to completion. */
export function explore(args: string[]): Promise<CommandResult> {
  return runScript(EXPLORE, args);
}

/** Starts `deno task explore RUN --port 0` and resolves with its address once it serves. */
export async function startExplorer(
  run: string,
  extra: string[] = [],
): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", EXPLORE, run, "--port", "0", ...extra],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  while (!/ at (http:\/\/127\.0\.0\.1:\d+\/)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) {
      clearTimeout(timer);
      await child.status;
      throw new Error(`the explorer did not start:\n${text}\n${await stderr}`);
    }
    text += value;
  }
  clearTimeout(timer);
  const url = text.match(/ at (http:\/\/127\.0\.0\.1:\d+\/)/)![1];
  const drain = (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await drain.catch(() => {});
      await stderr;
    },
  };
}
