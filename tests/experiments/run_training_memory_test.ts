// A study trains many runs in one process, so a run must give back every
// tensor it made, whether it finishes or fails: before this was tested, each
// run kept its model and optimiser (162 MiB for the Locatello MLP), and every
// checkpoint kept one scalar, until the wasm heap passed 2 GiB.
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { parseTrainArgs } from "../../experiments/_train/options.ts";
import { runTraining } from "../../experiments/_train/run_training.ts";
import { CliError } from "../../experiments/_train/cli_error.ts";

const io = { log: () => {}, write: () => {}, tty: false };

function config(out: string, name: string, extra: string[] = []) {
  return parseTrainArgs([
    ...["--model", "mnist-mlp", "--data", "shapes", "--image-size", "28", "--latent-dim", "3"],
    ...["--steps", "4", "--batch-size", "8", "--checkpoint-every", "2", "--eval-every", "2"],
    ...["--metric-samples", "100", "--score-points", "0", "--backend", "cpu"],
    ...["--out", out, "--name", name, ...extra],
  ]);
}

Deno.test("runTraining frees every tensor it made, for a finished run and a failed one", async () => {
  const out = await Deno.makeTempDir({ prefix: "run-training-memory-" });
  try {
    // The first run loads the backend and caches what a process keeps once.
    await runTraining(config(out, "warm"), io);
    const tensors = tf.memory().numTensors;
    const runs: [string, string[]][] = [
      ["beta-tcvae", []],
      ["factor-vae", ["--discriminator-layers", "2", "--discriminator-units", "8"]],
    ];
    for (const [objective, options] of runs) {
      await runTraining(config(out, objective, ["--objective", objective, ...options]), io);
      assert.equal(tf.memory().numTensors, tensors, `${objective}: tensors left behind`);
    }
    // A learning rate that overflows the weights: the run stops with a CliError.
    await assert.rejects(
      runTraining(config(out, "diverges", ["--lr", "1e38"]), io),
      (e) => e instanceof CliError && /not finite/.test(e.message),
    );
    assert.equal(tf.memory().numTensors, tensors, "the failed run left tensors behind");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
