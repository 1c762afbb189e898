import assert from "node:assert/strict";
import { writeNpy, writeNpz } from "@disentangle/vae/data";
import { assertOneLineError, type CommandResult, runScript } from "../_helpers/cli.ts";

const SCORE = new URL("../../experiments/score.ts", import.meta.url).pathname;
const TRAIN = new URL("../../experiments/train.ts", import.meta.url).pathname;
const score = (args: string[]) => runScript(SCORE, args);

/** 240 rows of two factors (4 and 3 values); codes 0, 1 copy them with noise, 2 is noise. */
function fixture(): { codes: Float32Array; factors: Int32Array; n: number } {
  const n = 240;
  let s = 7;
  const noise = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const codes = new Float32Array(n * 3);
  const factors = new Int32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const a = i % 4;
    const b = Math.floor(i / 4) % 3;
    factors.set([a, b], 2 * i);
    codes.set([a + 0.2 * noise(), b + 0.2 * noise(), noise()], 3 * i);
  }
  return { codes, factors, n };
}

const csv = (data: ArrayLike<number>, cols: number, header?: string) => {
  const lines = header ? [header] : [];
  for (let i = 0; i < data.length; i += cols) {
    lines.push(Array.from({ length: cols }, (_, c) => data[i + c]).join(","));
  }
  return lines.join("\n") + "\n";
};

function assertOk(r: CommandResult): void {
  if (r.code !== 0) throw new Error(`score failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
}

Deno.test("score reads one .npz for both, prints the table, says it split, writes JSON and a report", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { codes, factors, n } = fixture();
    await Deno.writeFile(
      `${dir}/codes.npz`,
      await writeNpz({
        codes: { shape: [n, 3], data: codes },
        factors: { shape: [n, 2], data: factors },
      }),
    );
    const r = await score([
      "--codes",
      `${dir}/codes.npz`,
      "--factors",
      `${dir}/codes.npz`,
      "--json",
      `${dir}/out/scores.json`,
      "--report",
      `${dir}/report`,
    ]);
    assertOk(r);
    assert.match(r.stdout, /a seeded split of the 240 rows, 192 to fit and 48 to test/);
    assert.match(r.stdout, /\nmig +0\.\d{4}\n/);
    assert.match(r.stdout, /\ndciDisentanglement +\d\.\d{4}\n/);
    assert.match(r.stdout, /per factor +f0 +f1/);
    assert.match(r.stdout, /posteriorMig: needs --mean and --log-var/);
    // DCIMIG, JEMMIG and the downstream task (sizes 10 and 100 of the 192 rows).
    assert.match(r.stdout, /\ndcimig +0\.\d{4}\n/);
    assert.match(r.stdout, /\njemmig +0\.\d{4}\n/);
    assert.match(r.stdout, /\ndownstreamBoostedTrees +[01]\.\d{4}\n/);
    assert.match(
      r.stdout,
      /downstream task: mean test accuracy by training size\nrows +10 +100\nlogisticRegression +[01]\.\d{3} +[01]\.\d{3}\nboostedTrees +[01]\.\d{3} +[01]\.\d{3}\n/,
    );
    const json = JSON.parse(await Deno.readTextFile(`${dir}/out/scores.json`));
    assert.equal(typeof json.version, "string");
    assert.deepEqual(json.split, {
      kind: "seeded",
      train: 192,
      test: 48,
      testFraction: 0.2,
      seed: 0,
    });
    assert.equal(json.details.mig.result.bins, 20);
    assert.equal(json.details.mig.result.samples, 240);
    assert.equal(json.details.dci.result.numTrain, 192);
    assert.equal(json.details.dci.result.numTest, 48);
    assert.equal(json.details.dci.result.seed, 0);
    assert.ok(json.scores.mig > 0.5, `mig ${json.scores.mig}`);
    assert.deepEqual(json.details.downstream.result.sizes, [10, 100]);
    assert.equal(json.details.downstream.result.numTest, 48);
    assert.equal(
      json.scores.downstreamBoostedTrees,
      json.details.downstream.result.boostedTrees[1].meanTestAccuracy,
    );
    assert.equal(json.details.dcimig.result.samples, 240);
    const html = await Deno.readTextFile(`${dir}/report/index.html`);
    assert.match(html, /<svg id="mutual-info" class="heatmap"/);
    assert.match(html, /<svg id="dci-importance" class="heatmap"/);
    assert.match(html, /class="bars"/);
    assert.doesNotMatch(html, /https?:|src=|href=/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("score takes .npy, .csv, .tsv and .json inputs, test files and --metrics", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { codes, factors, n } = fixture();
    const half = n / 2;
    await Deno.writeFile(
      `${dir}/codes.npy`,
      writeNpy({ shape: [half, 3], data: codes.subarray(0, 3 * half) }),
    );
    await Deno.writeTextFile(
      `${dir}/factors.csv`,
      csv(factors.subarray(0, 2 * half), 2, "shape,size"),
    );
    await Deno.writeTextFile(
      `${dir}/test_codes.tsv`,
      csv(codes.subarray(3 * half), 3).replaceAll(",", "\t"),
    );
    const testFactors = Array.from(
      { length: half },
      (_, i) => [factors[2 * (half + i)], factors[2 * (half + i) + 1]],
    );
    await Deno.writeTextFile(`${dir}/test_factors.json`, JSON.stringify(testFactors));
    const r = await score([
      "--codes",
      `${dir}/codes.npy`,
      "--factors",
      `${dir}/factors.csv`,
      "--test-codes",
      `${dir}/test_codes.tsv`,
      "--test-factors",
      `${dir}/test_factors.json`,
      "--metrics",
      "mig,sap",
      "--json",
      `${dir}/s.json`,
    ]);
    assertOk(r);
    assert.doesNotMatch(r.stdout, /seeded split/);
    assert.match(r.stdout, /fit\/test split 120\/120, test files/);
    const json = JSON.parse(await Deno.readTextFile(`${dir}/s.json`));
    assert.deepEqual(Object.keys(json.details), ["mig", "sap"]);
    assert.equal(json.details.sap.result.numTrain, 120);
    assert.equal(json.inputs.testFactors, `${dir}/test_factors.json`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("score computes the posterior MIG from --mean and --log-var", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { codes, factors, n } = fixture();
    await Deno.writeFile(
      `${dir}/post.npz`,
      await writeNpz({
        mean: { shape: [n, 3], data: codes },
        log_var: { shape: [n, 3], data: new Float32Array(3 * n).fill(Math.log(0.01)) },
        factors: { shape: [n, 2], data: factors },
      }),
    );
    const p = `${dir}/post.npz`;
    const r = await score([
      "--mean",
      p,
      "--log-var",
      p,
      "--factors",
      p,
      "--metrics",
      "posteriorMig,mig",
    ]);
    assertOk(r);
    assert.match(r.stdout, /\nposteriorMig +0\.\d{4}\n/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad input is one line naming the file and what is wrong, exit code 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { codes, factors, n } = fixture();
    await Deno.writeFile(
      `${dir}/both.npz`,
      await writeNpz({
        codes: { shape: [n, 3], data: codes },
        factors: { shape: [n, 2], data: factors },
      }),
    );
    await Deno.writeTextFile(`${dir}/ragged.csv`, "a,b\n1,2\n3,4\n5\n");
    await Deno.writeTextFile(`${dir}/cell.csv`, "1,2\n3,4\n5,oops\n");
    await Deno.writeFile(
      `${dir}/short.npy`,
      writeNpy({ shape: [n - 1, 2], data: factors.subarray(0, 2 * (n - 1)) }),
    );
    const withNan = Float64Array.from(codes);
    withNan[3 * 5 + 2] = NaN;
    await Deno.writeFile(`${dir}/nan.npy`, writeNpy({ shape: [n, 3], data: withNan }));
    const both = `${dir}/both.npz`;
    const cases: [string[], RegExp][] = [
      [
        ["--codes", `${dir}/ragged.csv`, "--factors", both],
        /^error: Cannot read .*ragged\.csv: line 4 has 1 cells, line 1 has 2$/,
      ],
      [
        ["--codes", `${dir}/cell.csv`, "--factors", both],
        /^error: Cannot read .*cell\.csv: line 3, column 2: "oops" is not a number$/,
      ],
      [
        ["--codes", both, "--codes-key", "z", "--factors", both],
        /^error: Cannot read .*both\.npz: no array "z" \(--codes-key\); it holds the arrays "codes", "factors"$/,
      ],
      [
        ["--codes", both, "--factors", `${dir}/short.npy`],
        /^error: Cannot score: .*both\.npz \(codes\) has 240 rows but .*short\.npy has 239$/,
      ],
      [
        ["--codes", `${dir}/nan.npy`, "--factors", both],
        /^error: Cannot read .*nan\.npy: NaN at row 5, column 2/,
      ],
      [
        ["--codes", `${dir}/missing.npy`, "--factors", both],
        /^error: Cannot read .*missing\.npy: no such file$/,
      ],
      [
        ["--codes", both, "--factors", both, "--metrics", "mig,migg"],
        /^error: .*unknown metric migg in --metrics \(the metrics are unsupervised, mig, sap, dci,.*posteriorMig\)$/,
      ],
      [["--factors", both], /^error: .*--codes FILE .* is needed/],
    ];
    for (const [args, pattern] of cases) {
      const r = await score(args);
      assertOneLineError(r, pattern);
      assert.equal(r.code, 2, `exit code of ${args.join(" ")}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--run scores a trained run on its own data as its summary did", async () => {
  const out = await Deno.makeTempDir();
  try {
    const trained = await runScript(TRAIN, [
      ...["--data", "shapes", "--image-size", "28", "--model", "mnist-mlp", "--latent-dim", "4"],
      ...["--out", out, "--name", "tiny", "--steps", "4", "--batch-size", "16"],
      ...["--metric-samples", "300", "--score-points", "0"],
    ]);
    assertOk(trained);
    const r = await score([
      "--run",
      `${out}/tiny`,
      "--metrics",
      "mig,sap,posteriorMig",
      "--json",
      `${out}/s.json`,
    ]);
    assertOk(r);
    const summary = JSON.parse(await Deno.readTextFile(`${out}/tiny/summary.json`));
    const json = JSON.parse(await Deno.readTextFile(`${out}/s.json`));
    assert.equal(json.inputs.run, `${out}/tiny`);
    assert.equal(json.scores.mig, summary.metrics.scores.mig);
    assert.equal(json.scores.sap, summary.metrics.scores.sap);
    assert.equal(typeof json.scores.posteriorMig, "number");
    assertOneLineError(
      await score(["--run", `${out}/nothing`]),
      /^error: Cannot score the run .*nothing: it has no config\.json/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("--help lists the options", async () => {
  const r = await score(["--help"]);
  assertOk(r);
  for (const flag of ["--codes", "--test-fraction", "--metrics", "--report", "--run"]) {
    assert.ok(r.stdout.includes(flag), flag);
  }
});
