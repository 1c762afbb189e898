// The command line of `deno task explore`: options, help, one-line errors for
// folders that are not runs and models that do not load, the static export.
import assert from "node:assert/strict";
import { join } from "node:path";
import { assertThrowsWith } from "../_helpers/assert.ts";
import { CliError } from "../../experiments/_train/cli_error.ts";
import { parseExploreArgs } from "../../experiments/_explore/options.ts";
import { VENDOR_FILES } from "../../experiments/_explore/vendor.ts";
import { PAGE_FILES } from "../../experiments/_explore/build_site.ts";
import { assertOneLineError, explore, fakeRun } from "./_runs.ts";

Deno.test("parseExploreArgs takes one run folder and checks each option", () => {
  const c = parseExploreArgs(["runs/a", "--port", "8080", "--samples", "0"]);
  assert.deepEqual(c, { run: "runs/a", port: 8080, out: "", samples: 0, seed: 0, help: false });
  assert.equal(parseExploreArgs(["--help"]).help, true);
  assertThrowsWith(() => parseExploreArgs([]), CliError, /give a run folder/);
  assertThrowsWith(() => parseExploreArgs(["a", "b"]), CliError, /give one run folder, got 2: a b/);
  assertThrowsWith(
    () => parseExploreArgs(["a", "--port", "http"]),
    CliError,
    /--port must be an integer, got "http"/,
  );
  assertThrowsWith(() => parseExploreArgs(["a", "--port", "70000"]), CliError, /≤ 65535/);
  assertThrowsWith(
    () => parseExploreArgs(["a", "--samples=-1"]),
    CliError,
    /--samples must be ≥ 0/,
  );
  assertThrowsWith(
    () => parseExploreArgs(["a", "--open"]),
    CliError,
    /unknown option --open \(see --help/,
  );
});

Deno.test("--help explains the command and lists every option", async () => {
  const { code, stdout } = await explore(["--help"]);
  assert.equal(code, 0);
  assert.match(stdout, /Usage: deno task explore RUN_FOLDER/);
  for (const flag of ["--port N", "--out DIR", "--samples N", "--seed N"]) {
    assert.ok(stdout.includes(flag), `help lacks ${flag}:\n${stdout}`);
  }
  assert.match(stdout, /--samples N .*\(default 48\)/);
});

Deno.test("bad folders and broken models are one line on stderr and a non-zero exit", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assertOneLineError(
      await explore([join(dir, "missing")]),
      /^error: Cannot explore .*missing: the folder does not exist$/,
    );
    await Deno.writeTextFile(join(dir, "file.txt"), "x");
    assertOneLineError(
      await explore([join(dir, "file.txt")]),
      /Cannot explore .*file\.txt: it is a file, not a run folder/,
    );
    await Deno.mkdir(join(dir, "empty"));
    assertOneLineError(
      await explore([join(dir, "empty")]),
      /Cannot explore .*empty: it is not a run folder of deno task train \(no model\/vae\.json or config\.json\)/,
    );
    await Deno.mkdir(join(dir, "started"));
    await Deno.writeTextFile(join(dir, "started/config.json"), "{}");
    assertOneLineError(
      await explore([join(dir, "started")]),
      /the run has saved no model yet/,
    );

    const run = await fakeRun(join(dir, "run"));
    const weights = join(run, "model/decoder/weights.bin");
    const bytes = await Deno.readFile(weights);
    await Deno.writeFile(weights, bytes.subarray(0, 100));
    assertOneLineError(
      await explore([run]),
      /^error: Cannot load the VAE's decoder from .*model\/decoder: /,
    );
    await Deno.remove(weights);
    assertOneLineError(
      await explore([run]),
      /^error: Cannot load the VAE's decoder: weights file .*weights\.bin: /,
    );
    await Deno.writeTextFile(join(run, "model/vae.json"), "{ not json");
    assertOneLineError(
      await explore([run]),
      /^error: Cannot explore .*run: model\/vae\.json is not valid JSON/,
    );
    assertOneLineError(await explore([run, "--port", "x"]), /--port must be an integer/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--out writes every file of the page, and refuses an unrelated folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = await fakeRun(join(dir, "run"));
    const site = join(dir, "site");
    const first = await explore([run, "--out", site, "--samples", "6"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      /wrote the explorer for run \(3 latent dims, \[28,28,1\] images, 6 data images\)/,
    );
    const expected = [
      ...PAGE_FILES,
      ...Object.keys(VENDOR_FILES),
      "run.json",
      "data/picks.bin",
      "model/encoder/model.json",
      "model/encoder/weights.bin",
      "model/decoder/model.json",
      "model/decoder/weights.bin",
    ];
    for (const f of expected) assert.ok((await Deno.stat(join(site, f))).size > 0, f);
    // The model files are the run's, byte for byte.
    assert.deepEqual(
      await Deno.readFile(join(site, "model/decoder/weights.bin")),
      await Deno.readFile(join(run, "model/decoder/weights.bin")),
    );
    // A port in use is named.
    const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      assertOneLineError(
        await explore([run, "--port", String(busy.addr.port), "--samples", "0"]),
        new RegExp(`Cannot serve the explorer: port ${busy.addr.port} is in use`),
      );
    } finally {
      busy.close();
    }
    // A second export into the same folder is allowed; an unrelated folder is not.
    assert.equal((await explore([run, "--out", site, "--samples", "0"])).code, 0);
    await Deno.mkdir(join(dir, "other"));
    await Deno.writeTextFile(join(dir, "other/notes.txt"), "mine");
    assertOneLineError(
      await explore([run, "--out", join(dir, "other")]),
      /Cannot export the explorer to .*other: the folder is not empty and holds no earlier export/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an unfinished run is explored from its checkpoint, with a warning", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = await fakeRun(join(dir, "run"), { finished: false });
    const r = await explore([run, "--out", join(dir, "site"), "--samples", "0"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^warning: the run is unfinished: exploring its checkpoint at step 20$/m,
    );
    const data = JSON.parse(await Deno.readTextFile(join(dir, "site/run.json")));
    assert.equal(data.run.checkpointStep, 20);
    assert.equal(data.summary, null);
    assert.equal(data.picks, null);
    assert.match(data.picksNote, /--samples 0/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
