/**
 * `deno task score`: scores codes saved from any framework (PyTorch, JAX,
 * ...) against ground-truth factors with every metric of the library, or a
 * trained run on its own data (`--run runs/NAME`). Prints a table; `--json`
 * writes every result, `--report` an HTML page. `--help` lists options. Bad
 * input is one line naming the file and exits with code 2.
 *
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { CliError } from "./_train/cli_error.ts";
import { formatTable } from "./_score/format_table.ts";
import { parseScoreArgs, scoreHelp } from "./_score/options.ts";
import { progressLine } from "./_score/progress_line.ts";
import { runScore } from "./_score/run_score.ts";
import { writeReport } from "./_score/write_report.ts";

if (import.meta.main) {
  const encoder = new TextEncoder();
  try {
    const config = parseScoreArgs(Deno.args);
    if (config.help) {
      console.log(scoreHelp());
      Deno.exit(0);
    }
    const result = await runScore(config, {
      log: (line) => console.log(line),
      ...(Deno.stderr.isTerminal()
        ? { onProgress: progressLine((text) => Deno.stderr.writeSync(encoder.encode(text))) }
        : {}),
    });
    console.log(formatTable(result));
    if (config.json !== "") {
      await mkdir(dirname(config.json), { recursive: true });
      await writeFile(config.json, JSON.stringify(result, null, 2) + "\n");
      console.log(`\nresults: ${config.json}`);
    }
    if (config.report !== "") console.log(`report: ${await writeReport(result, config.report)}`);
  } catch (e) {
    if (e instanceof CliError) {
      console.error(`error: ${e.message}`);
      Deno.exit(2);
    }
    throw e;
  }
}
