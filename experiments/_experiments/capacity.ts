// Experiment "capacity" (seed 001, the β-VAE reproducibility report, §5–6):
// the Higgins disentanglement score and the test loss over a grid of
// normalised β (β_norm = β·D/pixels) × latent size on the Shapes data set
// (x, y, scale, rotation), as heatmaps (the report's Figures 2 and 4), and
// reconstructions across β (its Figure 3).
import { writeCsv } from "./data_files.ts";
import { chartFigure } from "./figures.ts";
import { heldOutObservations } from "./held_out.ts";
import {
  betaOf,
  plannedRun,
  tag,
  type TrainingSettings,
  trainingValues,
  weighted,
} from "./make_config.ts";
import { reconstructionFigure, reconstructRuns } from "./reconstruction_figure.ts";
import type { ExperimentDefinition, ReportBlock } from "./types.ts";

/** Settings of the capacity experiment. */
export interface CapacitySettings extends TrainingSettings {
  /** β_norm = β·D/pixels. */
  betaNorms: number[];
  latentSizes: number[];
  /** Shapes image side (28 as in the report, or 64). */
  imageSize: 28 | 64;
  /** Training points of the β-VAE score (half as many evaluate it). */
  scorePoints: number;
  /** Held-out images in the reconstruction figure. */
  reconstructionImages: number;
}

export const capacity: ExperimentDefinition<CapacitySettings> = {
  name: "capacity",
  title: "β-VAE capacity: disentanglement score and test loss over β_norm × latent size",
  paper:
    "seed 001, Koller et al. (2022), “Reproducibility Challenge: β-VAE”, Figures 2–4 (after Higgins et al. 2017)",
  description:
    "β-VAEs on the Shapes data set (one heart on black; factors x, y, scale and rotation) " +
    "over a grid of normalised β, β_norm = β·D/N with D latents and N pixels, and latent sizes " +
    "D. For each model: the disentanglement score of Higgins et al. (accuracy of a linear " +
    "classifier that predicts which factor a batch of 64 pairs shares from the mean absolute " +
    "difference of their codes, on held-out batches) and the test loss (reconstruction + KL, " +
    "unweighted, on held-out images). Larger β_norm and smaller D both narrow the latent " +
    "channel, which the test loss shows; the report found near-perfect scores almost everywhere " +
    "except where the channel collapses.",
  dataChoices: ["shapes"],
  provenance:
    "Paper preset: Shapes at 28×28 with factors (x, y, scale, rotation), β_norm ∈ {0.002, 0.02, " +
    "0.2, 2, 20} and D ∈ {5, 10, 25, 50, 125} (5 × 5 = 25 models, the report's grid spans " +
    "[2·10⁻³, 20] × [5, 125]; its exact values are not given), the score with Higgins' 10 000 " +
    "training and 5 000 evaluation points. The report does not give its training length, " +
    "learning rate or exact architecture (a small conv net with max-pooling that does not fit " +
    "our 28×28 convolutional builders): we use the MLP of Kingma & Welling (500 units each " +
    "side), Adam 10⁻³, batch 64 and 10 000 steps (≈ 23 epochs), and a Bernoulli decoder for " +
    "the binary images where the report used MSE. Quick preset: 4 × 3 grid, 800 steps, 500 " +
    "score points. One seed (1) per cell.",
  presets: {
    quick: {
      betaNorms: [0.002, 0.02, 0.2, 2],
      latentSizes: [5, 10, 25],
      imageSize: 28,
      model: "mnist-mlp",
      steps: 800,
      batchSize: 64,
      lr: 1e-3,
      seed: 1,
      validationFraction: 0.1,
      scorePoints: 500,
      metricSamples: 1000,
      reconstructionImages: 8,
    },
    paper: {
      betaNorms: [0.002, 0.02, 0.2, 2, 20],
      latentSizes: [5, 10, 25, 50, 125],
      imageSize: 28,
      model: "mnist-mlp",
      steps: 10_000,
      batchSize: 64,
      lr: 1e-3,
      seed: 1,
      validationFraction: 0.1,
      scorePoints: 10_000,
      metricSamples: 10_000,
      reconstructionImages: 8,
    },
  },

  plan(s, context) {
    const imageSize = (context.overrides.imageSize ?? s.imageSize) as 28 | 64;
    const pixels = imageSize * imageSize;
    const runs = [];
    for (const d of s.latentSizes) {
      for (const bn of s.betaNorms) {
        const beta = (bn * pixels) / d;
        runs.push(plannedRun(context, `bn${tag(bn)}_d${d}`, {
          ...trainingValues(s, { validations: 4 }),
          ...weighted("beta-vae", beta),
          data: "shapes",
          imageSize,
          latentDim: d,
        }, { betaNorm: bn, latentDim: d, beta }));
      }
    }
    return Promise.resolve(runs);
  },

  async analyse(s, runs, context) {
    const rows = runs.map((run) => {
      const v = run.summary.finalValidation ?? {};
      const details = run.summary.metrics.details.betaVaeScore as
        | { result?: { trainAccuracy?: number } }
        | undefined;
      return {
        betaNorm: run.labels.betaNorm as number,
        latentDim: run.labels.latentDim as number,
        beta: betaOf(run.config),
        betaVaeScore: run.summary.metrics.scores.betaVaeScore ?? null,
        betaVaeTrainAccuracy: details?.result?.trainAccuracy ?? null,
        testLoss: v.reconstruction !== undefined ? v.reconstruction + v.kl : null,
        reconstruction: v.reconstruction ?? null,
        kl: v.kl ?? null,
        weightedLoss: v.loss ?? null,
        mig: run.summary.metrics.scores.mig ?? null,
        activeUnits: run.summary.metrics.scores.activeUnits ?? null,
      };
    });
    const dataFiles = [await writeCsv(context.dir, "grid", rows)];
    const blocks: ReportBlock[] = [];
    const heat = (field: string, title: string, scheme: string, domain?: number[]) => ({
      data: { values: rows.map((r) => ({ ...r, betaNormLabel: tag(r.betaNorm) })) },
      width: { step: 56 },
      height: { step: 36 },
      encoding: {
        x: {
          field: "betaNormLabel",
          type: "ordinal",
          title: "β_norm = β·D / pixels",
          sort: s.betaNorms.map(tag),
        },
        y: { field: "latentDim", type: "ordinal", title: "latent size D", sort: "descending" },
      },
      layer: [
        {
          mark: "rect",
          encoding: {
            color: {
              field,
              type: "quantitative",
              title,
              scale: { scheme, ...(domain ? { domain } : {}) },
            },
          },
        },
        {
          mark: { type: "text", fontSize: 10 },
          encoding: {
            text: { field, type: "quantitative", format: ".3~g" },
            color: { value: "black" },
          },
        },
      ],
    });
    blocks.push({ kind: "heading", text: "Disentanglement score and test loss" });
    blocks.push(
      await chartFigure(
        context,
        "score_heatmap",
        heat("betaVaeScore", "β-VAE score", "viridis", [0, 1]),
        "Disentanglement score of Higgins et al. (held-out accuracy) per β_norm and latent size (the report's Figure 4).",
      ),
    );
    blocks.push(
      await chartFigure(
        context,
        "test_loss_heatmap",
        heat("testLoss", "test loss (nats)", "orangered"),
        "Test loss (reconstruction + KL, unweighted, nats per image) per β_norm and latent size (the report's Figure 2).",
      ),
    );
    blocks.push(
      await chartFigure(
        context,
        "test_loss_lines",
        {
          data: { values: rows },
          width: 320,
          height: 200,
          mark: { type: "line", point: true },
          encoding: {
            x: { field: "betaNorm", type: "quantitative", scale: { type: "log" }, title: "β_norm" },
            y: { field: "testLoss", type: "quantitative", title: "test loss (nats)" },
            color: { field: "latentDim", type: "ordinal", title: "D" },
          },
        },
        "Test loss against β_norm, one line per latent size. A standard VAE (β = 1) sits at β_norm = D / pixels.",
      ),
    );
    blocks.push({
      kind: "table",
      caption: "Every cell of the grid",
      columns: [
        { key: "betaNorm", label: "β_norm", digits: 4 },
        { key: "latentDim", label: "D" },
        { key: "beta", label: "β", digits: 3 },
        { key: "betaVaeScore", label: "β-VAE score (eval)" },
        { key: "betaVaeTrainAccuracy", label: "(train)" },
        { key: "testLoss", label: "test loss" },
        { key: "reconstruction", label: "reconstruction" },
        { key: "kl", label: "KL" },
        { key: "activeUnits", label: "active latents", digits: 0 },
        { key: "mig", label: "MIG" },
      ],
      rows,
    });

    // Reconstructions across β: one figure per latent size.
    blocks.push({ kind: "heading", text: "Reconstructions across β" });
    const { observations } = await heldOutObservations(runs[0].config, s.reconstructionImages);
    for (const d of s.latentSizes) {
      const column = runs.filter((r) => r.labels.latentDim === d)
        .sort((a, b) => (a.labels.betaNorm as number) - (b.labels.betaNorm as number));
      blocks.push(
        await reconstructionFigure(context, {
          file: `reconstructions_d${d}.png`,
          observations,
          reconstructions: await reconstructRuns(column, observations),
          by: "column",
          scale: 2,
          caption:
            `D = ${d}: held-out images (first column) and their reconstructions for β_norm = ${
              column.map((r) => tag(r.labels.betaNorm as number)).join(", ")
            } (β = ${column.map((r) => tag(Number(betaOf(r.config).toPrecision(3)))).join(", ")}).`,
        }),
      );
    }
    return { blocks, dataFiles, results: { grid: rows } };
  },
};
