// What the explorer's site holds: run.json's facts from the run folder, the
// picked data images and their codes, the vendored bundles, and the server's
// answers.
import assert from "node:assert/strict";
import { join } from "node:path";
import { tf } from "../_helpers/tf.ts";
import { PNG } from "pngjs";
import { assertClose, assertRejectsWith } from "../_helpers/assert.ts";
import { buildSite } from "../../experiments/_explore/build_site.ts";
import { parseLog, readRun, type RunInfo } from "../../experiments/_explore/read_run.ts";
import { openRunDataset, pickImages } from "../../experiments/_explore/pick_images.ts";
import { contentType, siteResponse } from "../../experiments/_explore/serve_site.ts";
import { VENDOR_FILES } from "../../experiments/_explore/vendor.ts";
import { loadVae } from "../../models/load_vae.ts";
import { encodeObservations } from "../../models/encode_observations.ts";
import { createShapes } from "../../data/shapes.ts";
import { splitIndices } from "../../data/split_indices.ts";
import { fakeRun } from "./_runs.ts";

Deno.test("parseLog keeps step records and counts the lines it cannot read", () => {
  const { records, skipped } = parseLog(
    '{"step":2,"train":{"loss":1}}\n\n{"step":2,"validation":{"loss":2}}\n{"step":3}\n{"step":4,"tr',
  );
  assert.deepEqual(records, [{ step: 2, train: { loss: 1 } }, {
    step: 2,
    validation: { loss: 2 },
  }]);
  assert.equal(skipped, 2);
});

Deno.test("buildSite: dimension order, activity, KL, data images and their codes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = await fakeRun(join(dir, "run"), { latentDim: 3 });
    const tensors = tf.memory().numTensors;
    const site = await buildSite(run, { samples: 8, seed: 1 });
    assert.equal(tf.memory().numTensors, tensors, "buildSite left tensors behind");
    const d = site.data;
    assert.deepEqual(site.warnings, []);
    assert.equal(d.format, "disentangle-explorer/1");
    assert.deepEqual(d.dims.order, [2, 1, 0]); // summary.json's klOrder
    assert.deepEqual(d.dims.active, [false, true, true]); // metrics.activeUnits [1, 2]
    assert.deepEqual(d.dims.kl, [0.1, 0.2, 0.3]); // the last validation line
    assert.equal(d.dims.klSource, "validation at step 20");
    assert.deepEqual(d.summary?.scores, { mig: 0.25, activeUnits: 2 });
    assert.equal(d.model.likelihood, "bernoulli");
    assert.deepEqual(JSON.parse(new TextDecoder().decode(site.files.get("run.json"))), d);

    // The picks: 8 held-out images (the run's validation split), ascending.
    const picks = d.picks!;
    const shapes = createShapes({ imageSize: 28 });
    const { validation } = splitIndices(shapes.size, { validationFraction: 0.01, seed: 0 });
    assert.equal(picks.indices.length, 8);
    assert.ok(picks.heldOut);
    assert.ok(picks.indices.every((i) => validation.includes(i)));
    assert.deepEqual(picks.indices, [...picks.indices].sort((a, b) => a - b));
    assert.deepEqual(picks.factorNames, ["x", "y", "scale", "rotation"]);
    assert.deepEqual(picks.factors, shapes.factors(picks.indices));
    // Their bytes are the images, and their codes are the encoder's on those bytes.
    const bytes = site.files.get("data/picks.bin")!;
    const images = shapes.observations(picks.indices);
    assert.deepEqual(Array.from(bytes), Array.from(images.data, (v) => Math.round(255 * v)));
    const vae = await loadVae(join(run, "model"));
    const expected = encodeObservations(vae.encoder, {
      data: Float32Array.from(bytes, (b) => b / 255),
      shape: [8, 28, 28, 1],
    });
    vae.encoder.dispose();
    vae.decoder.dispose();
    picks.mean.forEach((row, i) => assertClose(row, expected.mean[i], { atol: 1e-6 }));
    picks.logVar.forEach((row, i) => assertClose(row, expected.logVar[i], { atol: 1e-6 }));
    // Slider ranges hold every μ.
    for (const row of picks.mean) {
      row.forEach((v, j) => assert.ok(d.dims.ranges[j][0] < v && v < d.dims.ranges[j][1]));
    }

    // The same seed picks the same images; another seed others.
    const again = await buildSite(run, { samples: 8, seed: 1 });
    assert.deepEqual(again.data.picks!.indices, picks.indices);
    const other = await buildSite(run, { samples: 8, seed: 2 });
    assert.notDeepEqual(other.data.picks!.indices, picks.indices);

    // The vendored bundles are the npm packages' files.
    const tfjs = new TextDecoder().decode(site.files.get("vendor/tf.min.js")!.subarray(0, 400));
    assert.match(tfjs, /@license/);
    for (const path of Object.keys(VENDOR_FILES).filter((p) => p.endsWith(".wasm"))) {
      assert.deepEqual([...site.files.get(path)!.subarray(0, 4)], [0, 97, 115, 109]); // "\0asm"
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("buildSite without a readable data set or finished metrics still builds the page", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = await fakeRun(join(dir, "run"), { latentDim: 2 });
    const configPath = join(run, "config.json");
    const { config } = JSON.parse(await Deno.readTextFile(configPath));
    await Deno.writeTextFile(
      configPath,
      JSON.stringify({ config: { ...config, data: "dsprites-npz", dataPath: "/no/such.npz" } }),
    );
    await Deno.remove(join(run, "summary.json"));
    await Deno.writeTextFile(join(run, "log.jsonl"), "not json\n", { append: true });
    const site = await buildSite(run, { samples: 4, seed: 0 });
    assert.equal(site.data.picks, null);
    assert.match(site.data.picksNote, /\/no\/such\.npz/);
    assert.ok(
      site.warnings.some((w) => /^no data images in the picker: .*\/no\/such\.npz/.test(w)),
    );
    assert.ok(site.warnings.includes("skipped 1 unreadable line(s) of log.jsonl"));
    assert.ok(site.warnings.includes("the run has no summary.json: no final metrics to show"));
    assert.equal(site.data.summary, null);
    // No klOrder: by the last validation KL per dimension, [0.1, 0.2] → [1, 0].
    assert.deepEqual(site.data.dims.order, [1, 0]);
    assert.equal(site.data.dims.active, null);
    assert.ok(!site.files.has("data/picks.bin"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readRun reads an unfinished run's checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = await fakeRun(join(dir, "run"), { finished: false });
    const info = await readRun(run);
    assert.equal(info.checkpointStep, 20);
    assert.equal(info.modelDir, join(run, "checkpoint/model"));
    assert.equal(info.summary, null);
    assert.equal(info.log.length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("siteResponse serves the files with their types, and nothing else", async () => {
  const files = new Map([
    ["index.html", new TextEncoder().encode("<!doctype html>")],
    ["vendor/a.wasm", new Uint8Array([0, 97, 115, 109])],
  ]);
  const get = (path: string, method = "GET") =>
    siteResponse(files, new Request(`http://127.0.0.1/${path}`, { method }));
  const index = get("");
  assert.equal(index.status, 200);
  assert.equal(index.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(await index.text(), "<!doctype html>");
  const wasm = get("vendor/a.wasm");
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
  assert.deepEqual(new Uint8Array(await wasm.arrayBuffer()), files.get("vendor/a.wasm"));
  assert.equal(get("vendor/../../etc/passwd").status, 404);
  assert.equal(get("run.json").status, 404);
  assert.equal(get("index.html", "POST").status, 405);
  const head = get("index.html", "HEAD");
  assert.equal(head.headers.get("content-length"), "15");
  assert.equal(head.body, null);
  assert.equal(contentType("explorer.js"), "text/javascript; charset=utf-8");
  assert.equal(contentType("x.unknown"), "application/octet-stream");
  // The bodies above were read; tf is imported for its cpu set-up only.
  assert.equal(tf.getBackend(), "cpu");
});

Deno.test("openRunDataset opens each data set a run can name, and pickImages samples it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const png = new PNG({ width: 4, height: 2 });
    png.data.fill(255);
    for (const name of ["a.png", "b.png", "c.png"]) {
      await Deno.writeFile(join(dir, name), PNG.sync.write(png));
    }
    const cases = [
      { data: "dsprites", shape: [64, 64, 1], factors: 5 },
      { data: "mnist", shape: [28, 28, 1], factors: 1 },
      { data: "image-folder", dataPath: dir, shape: [8, 8, 3], factors: 0 },
    ];
    for (const c of cases) {
      const run = {
        vae: { latentDim: 2, inputShape: c.shape, config: {} },
        config: { data: c.data, dataPath: c.dataPath ?? "", validationFraction: 0.5, seed: 3 },
      } as unknown as RunInfo;
      const dataset = await openRunDataset(run);
      const picks = await pickImages(run, dataset, { count: 2, seed: 0 });
      assert.deepEqual(picks.shape, [2, ...c.shape], c.data);
      assert.equal(picks.pixels.length, 2 * c.shape[0] * c.shape[1] * c.shape[2]);
      assert.equal(picks.factorNames.length, c.factors, c.data);
      assert.ok(picks.heldOut);
      if (c.data === "image-folder") assert.ok(picks.pixels.every((v) => v === 255));
    }
    const wrong = {
      vae: { latentDim: 2, inputShape: [32, 32, 1], config: {} },
      config: { data: "mnist" },
    } as unknown as RunInfo;
    await assertRejectsWith(
      async () => pickImages(wrong, await openRunDataset(wrong), { count: 1, seed: 0 }),
      Error,
      /Cannot pick data images: the data set's images are \[28,28,1\] but the model takes \[32,32,1\]/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
