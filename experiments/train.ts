/**
 * `deno task train`: trains a disentangled VAE (β-TCVAE on procedural dSprites
 * by default) and leaves a run folder with its config, JSONL log,
 * checkpoints, final model, image grids and metrics. `--help` lists options.
 *
 * @module
 */
import { CliError } from "./_train/cli_error.ts";
import { parseTrainArgs, trainHelp } from "./_train/options.ts";
import { runTraining } from "./_train/run_training.ts";

if (import.meta.main) {
  const encoder = new TextEncoder();
  const write = (text: string) => Deno.stdout.writeSync(encoder.encode(text));
  try {
    const config = parseTrainArgs(Deno.args);
    if (config.help) {
      console.log(trainHelp());
      Deno.exit(0);
    }
    const summary = await runTraining(config, {
      log: (line) => console.log(line),
      write,
      tty: Deno.stdout.isTerminal(),
    });
    const scores = Object.entries(summary.metrics.scores)
      .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(3)}`)
      .join(", ");
    console.log(
      `done: ${summary.steps} steps in ${summary.seconds.toFixed(0)} s (${
        summary.stepsPerSecond.toFixed(2)
      } steps/s on ${summary.backend}); ${scores}`,
    );
    console.log(`run folder: ${summary.runDir}`);
  } catch (e) {
    if (e instanceof CliError) {
      console.error(`error: ${e.message}`);
      Deno.exit(1);
    }
    throw e;
  }
}
