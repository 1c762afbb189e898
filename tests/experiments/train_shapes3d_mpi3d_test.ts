// `deno task train` on the Shapes3D and MPI3D fixtures (../shared/fixtures from
// the repository's root; skipped with a note when absent): two steps with the
// default options write a complete run folder, scored as far as a few dozen
// images allow, and a bad file fails with one line.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { assertOneLineError, runScript } from "../_helpers/cli.ts";

const TRAIN = new URL("../../experiments/train.ts", import.meta.url).pathname;
const FIXTURES = new URL("../../../shared/fixtures/datasets/", import.meta.url).pathname;
const haveFixtures = existsSync(`${FIXTURES}datasets_expected.json`);
if (!haveFixtures) {
  console.warn(`skipping the Shapes3D/MPI3D training tests: ${FIXTURES} is absent`);
}

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

const cases: { data: string; file: string; extra: string[]; size: number }[] = [
  { data: "shapes3d", file: "shapes3d_chunked_gzip.h5", extra: [], size: 96 },
  {
    data: "mpi3d",
    file: "mpi3d_subset.npz",
    extra: ["--factor-sizes", "2,2,2,1,1,3,2"],
    size: 48,
  },
];

for (const c of cases) {
  Deno.test({
    name: `deno task train --data ${c.data} on its fixture writes a complete, scored run folder`,
    ignore: !haveFixtures,
    async fn() {
      const out = await Deno.makeTempDir();
      try {
        const r = await runScript(TRAIN, [
          ...["--data", c.data, "--data-path", `${FIXTURES}${c.file}`, ...c.extra],
          ...["--steps", "2", "--out", out, "--name", "run"],
        ]);
        if (r.code !== 0) throw new Error(`run failed:\n${r.stderr}`);
        for (const f of RUN_FILES) assert.ok(existsSync(`${out}/run/${f}`), `${f} written`);
        const summary = JSON.parse(await Deno.readTextFile(`${out}/run/summary.json`));
        const { config } = JSON.parse(await Deno.readTextFile(`${out}/run/config.json`));
        assert.equal(summary.steps, 2);
        assert.equal(summary.metrics.samples > 0 && summary.metrics.samples <= c.size, true);
        // Every metric is there: a result, or the reason it could not be computed.
        const details = summary.metrics.details as Record<
          string,
          { error?: string; result?: unknown }
        >;
        for (
          const name of ["unsupervised", "mig", "sap", "dci", "betaVaeScore", "factorVaeScore"]
        ) {
          const d = details[name];
          assert.ok(d && (d.result !== undefined || typeof d.error === "string"), name);
        }
        assert.equal(typeof summary.metrics.scores.gaussianTotalCorrelation, "number");
        if (c.data === "mpi3d") {
          // 48 training examples (1 % held out rounds to none), fewer than a
          // step: each is repeated twice; constant factors (sizes 1) make the
          // classifier metrics say why they are absent.
          assert.match(r.stderr + r.stdout, /training split has 48 examples, .* repeated 2 times/);
          assert.equal(config.batchSize, 64);
          assert.deepEqual(config.factorSizes, [2, 2, 2, 1, 1, 3, 2]);
          assert.match(details.mig.error ?? "", /takes the single value 0/);
        } else {
          assert.equal(typeof summary.metrics.scores.mig, "number");
        }
      } finally {
        await Deno.remove(out, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "deno task train --data shapes3d / mpi3d: a wrong file or missing grid fails with one line",
  ignore: !haveFixtures,
  async fn() {
    const out = await Deno.makeTempDir();
    try {
      const train = (args: string[]) => runScript(TRAIN, [...args, "--out", out, "--steps", "1"]);
      const mpi3d = `${FIXTURES}mpi3d_subset.npz`;
      assertOneLineError(
        await train(["--data", "mpi3d", "--data-path", mpi3d]),
        /^error: Cannot read .*mpi3d_subset\.npz: it holds 48 images, not the 1036800 .*--factor-sizes/,
      );
      assertOneLineError(
        await train(["--data", "shapes3d", "--data-path", mpi3d]),
        /^error: Cannot read .*mpi3d_subset\.npz: not an HDF5 file/,
      );
      assertOneLineError(
        await train(["--data", "mpi3d", "--data-path", mpi3d, "--factor-sizes", "2,2"]),
        /^error: Cannot read .*: factor sizes must be 7 integers/,
      );
      assertOneLineError(await train(["--data", "shapes3d"]), /--data shapes3d needs --data-path/);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
