// `deno task train --data shapes3d / mpi3d` on a wrong file or without the grid
// a file lacks fails with one line (the shared fixtures, ../shared/fixtures from
// the repository's root; skipped with a note when absent). Training on them is
// in train_fixtures_test.ts.
import { existsSync } from "node:fs";
import { assertOneLineError, runScript } from "../_helpers/cli.ts";

const TRAIN = new URL("../../experiments/train.ts", import.meta.url).pathname;
const FIXTURES = new URL("../../../shared/fixtures/datasets/", import.meta.url).pathname;
const haveFixtures = existsSync(`${FIXTURES}datasets_expected.json`);
if (!haveFixtures) {
  console.warn(`skipping the Shapes3D/MPI3D training tests: ${FIXTURES} is absent`);
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
