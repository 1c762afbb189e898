/**
 * `deno task experiment NAME`: runs one of the seed papers' studies end to
 * end (tradeoff, capacity, transfer, grouped, traversals) with `--preset
 * quick` (minutes) or `--preset paper` (the paper's settings; resumable) and
 * writes report.md, report.html, figures and raw data. `--help` lists options.
 *
 * @module
 */
import { CliError } from "./_train/cli_error.ts";
import { experimentHelp, parseExperimentArgs } from "./_experiments/options.ts";
import { EXPERIMENTS } from "./_experiments/registry.ts";
import { runExperiment } from "./_experiments/run_experiment.ts";

if (import.meta.main) {
  const encoder = new TextEncoder();
  try {
    const args = parseExperimentArgs(Deno.args);
    if (args.help) {
      console.log(experimentHelp());
      Deno.exit(0);
    }
    if (args.list) {
      for (const e of Object.values(EXPERIMENTS)) console.log(`${e.name.padEnd(12)} ${e.title}`);
      Deno.exit(0);
    }
    const outcome = await runExperiment(args.name, {
      preset: args.preset,
      out: args.out,
      overrides: args.overrides,
      command: ["deno task experiment", ...Deno.args].join(" "),
      io: {
        log: (line) => console.log(line),
        write: (text) => Deno.stdout.writeSync(encoder.encode(text)),
        tty: Deno.stdout.isTerminal(),
      },
    });
    console.log(`done in ${outcome.seconds.toFixed(0)} s: ${outcome.report.html}`);
  } catch (e) {
    if (e instanceof CliError) {
      console.error(`error: ${e.message}`);
      Deno.exit(1);
    }
    throw e;
  }
}
