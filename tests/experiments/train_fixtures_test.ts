// `deno task train --data NAME --data-path PATH` on every shared ground-truth
// fixture (../shared/fixtures/datasets from the repository's root; skipped
// with a note when absent): 2 steps with the default options write a complete
// run folder whose summary scores the few dozen images as far as they allow,
// each metric that needs more samples or cells than exist saying why instead
// of failing the run. Every data file of the folder must have a case here, so
// a fixture added later is trained too.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { runScript } from "../_helpers/cli.ts";
import { SHARED_DATASETS, sharedFixturesPresent } from "../_helpers/norb_mat.ts";

const TRAIN = new URL("../../experiments/train.ts", import.meta.url).pathname;
const present = sharedFixturesPresent();

const RUN_FILES = [
  "config.json",
  "log.jsonl",
  "summary.json",
  "status.json",
  "model/vae.json",
  "model/encoder/model.json",
  "images/reconstructions.png",
  "images/samples.png",
];

/** The final metrics every run reports, each with a result or the reason it has none. */
const METRICS = ["unsupervised", "mig", "sap", "dci", "betaVaeScore", "factorVaeScore"];

interface Summary {
  steps: number;
  metrics: {
    samples: number;
    scores: Record<string, number>;
    details: Record<string, { error?: string; result?: unknown; notes?: Record<string, string> }>;
  };
}

interface Case {
  /** The fixture's files (or folder) in the shared folder that this case reads. */
  readonly files: readonly string[];
  readonly data: string;
  /** --data-path, relative to the shared folder ("" for the folder itself). */
  readonly path: string;
  readonly extra?: readonly string[];
  /** What this data set's run must show beyond a complete, scored folder. */
  readonly check?: (summary: Summary, output: string) => void;
}

const expected = present
  ? JSON.parse(Deno.readTextFileSync(`${SHARED_DATASETS}datasets_expected.json`))
  : {};

const smallnorbFiles = ["training", "testing"].flatMap((split) =>
  ["dat", "cat", "info"].map((kind) => `smallnorb-5x46789x9x18x6x2x96x96-${split}-${kind}.mat`)
);

const CASES: readonly Case[] = [
  ...["shapes3d_contiguous.h5", "shapes3d_chunked_gzip.h5"].map((file): Case => ({
    files: [file],
    data: "shapes3d",
    path: file,
    check: (summary) => {
      assert.ok(summary.metrics.samples > 0 && summary.metrics.samples <= 96);
      assert.equal(typeof summary.metrics.scores.mig, "number");
    },
  })),
  {
    files: ["mpi3d_subset.npz"],
    data: "mpi3d",
    path: "mpi3d_subset.npz",
    // The file has no labels: its grid is given (the fixture's 2,2,2,1,1,3,2).
    extra: ["--factor-sizes", (expected.mpi3d?.factor_sizes ?? []).join(",")],
    check: (summary, output) => {
      // 48 training examples (1 % held out rounds to none), fewer than a step:
      // each is repeated; the constant factors (sizes 1) make MIG say why it is absent.
      assert.match(output, /training split has 48 examples, .* repeated 2 times/);
      assert.match(summary.metrics.details.mig.error ?? "", /takes the single value 0/);
    },
  },
  {
    files: smallnorbFiles,
    data: "smallnorb",
    path: "",
    check: (summary, output) => {
      assert.match(output, /training split has 10 examples, .* repeated 7 times/);
      // 10 codes of 10 dimensions: their covariance is singular, its Gaussian TC infinite.
      assert.equal(summary.metrics.scores.gaussianTotalCorrelation, undefined);
      assert.match(
        summary.metrics.details.unsupervised.notes?.gaussianTotalCorrelation ?? "",
        /is Infinity \(the covariance of 10 codes .* needs more samples than dimensions\)/,
      );
      assert.equal(typeof summary.metrics.scores.mig, "number");
      // The fixture holds 10 of 4860 cells: the β-VAE score's pairs need absent ones.
      assert.match(
        summary.metrics.details.betaVaeScore.error ?? "",
        /not in SmallNORB .*10 of the 4860/,
      );
    },
  },
  ...["", "cars"].map((path): Case => ({
    files: ["cars"],
    data: "cars3d",
    // The folder holding cars/, and cars/ itself.
    path,
    check: (summary) => assert.equal(typeof summary.metrics.scores.betaVaeScore, "number"),
  })),
];

Deno.test({
  name: "every data file of the shared fixtures folder has a training case",
  ignore: !present,
  fn() {
    const covered = new Set(CASES.flatMap((c) => c.files));
    const files = [...Deno.readDirSync(SHARED_DATASETS)]
      .map((e) => e.name)
      .filter((name) => name !== "README.md" && name !== "datasets_expected.json");
    for (const name of files) assert.ok(covered.has(name), `no training case reads ${name}`);
    for (const name of covered) assert.ok(files.includes(name), `${name} is not in the folder`);
  },
});

for (const c of CASES) {
  const args = ["--data", c.data, "--data-path", `${SHARED_DATASETS}${c.path}`, ...(c.extra ?? [])];
  Deno.test({
    name: `train ${args.join(" ").replace(SHARED_DATASETS, "<fixtures>/")}: 2 steps, a scored run`,
    ignore: !present,
    async fn() {
      const out = await Deno.makeTempDir();
      try {
        const r = await runScript(TRAIN, [...args, "--steps", "2", "--out", out, "--name", "run"]);
        if (r.code !== 0) throw new Error(`train ${args.join(" ")} failed:\n${r.stderr}`);
        for (const f of RUN_FILES) assert.ok(existsSync(`${out}/run/${f}`), `${f} written`);
        const status = JSON.parse(await Deno.readTextFile(`${out}/run/status.json`));
        assert.equal(status.state, "complete");
        const summary: Summary = JSON.parse(await Deno.readTextFile(`${out}/run/summary.json`));
        assert.equal(summary.steps, 2);
        for (const name of METRICS) {
          const d = summary.metrics.details[name];
          assert.ok(d && (d.result !== undefined || typeof d.error === "string"), name);
        }
        // No score is written as null (a JSON Infinity or NaN): a score is a number, or is
        // left out with the reason in its metric's notes.
        for (const [key, value] of Object.entries(summary.metrics.scores)) {
          assert.equal(typeof value, "number", `${key}: ${value}`);
        }
        assert.ok(
          typeof summary.metrics.scores.gaussianTotalCorrelation === "number" ||
            /gaussianTotalCorrelation is Infinity/.test(
              summary.metrics.details.unsupervised.notes?.gaussianTotalCorrelation ?? "",
            ),
        );
        c.check?.(summary, r.stdout + r.stderr);
      } finally {
        await Deno.remove(out, { recursive: true });
      }
    },
  });
}
