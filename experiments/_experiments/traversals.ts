// Experiment "traversals" (seed 003, “Beta-Variational Autoencoder
// Experiments”): β-VAEs with 6 latents for β ∈ {0.1, 1, 2, 10}; their
// reconstructions and latent traversals as image grids, and an animated GIF
// per β that sweeps every latent of a few prior samples at once.
import { createRng } from "../../data/create_rng.ts";
import { writeCsv } from "./data_files.ts";
import { chartFigure, imageFigure } from "./figures.ts";
import { heldOutObservations } from "./held_out.ts";
import {
  encodeGif,
  encodeMeans,
  encodePng,
  gridRaster,
  type ImageBatch,
  reconstruct,
  traversalImages,
} from "./images.ts";
import {
  betaOf,
  plannedRun,
  tag,
  type TrainingSettings,
  trainingValues,
  weighted,
} from "./make_config.ts";
import { readLog } from "./read_log.ts";
import { reconstructionFigure } from "./reconstruction_figure.ts";
import type { ExperimentDefinition, ReportBlock } from "./types.ts";
import { withModel } from "./with_model.ts";
import { GROUND_TRUTH_DATASETS } from "../_train/make_dataset.ts";

/** Settings of the traversals experiment. */
export interface TraversalSettings extends TrainingSettings {
  betas: number[];
  latentDim: number;
  /** Values a latent is swept over: linspace(−range, range, traversalSteps). */
  range: number;
  traversalSteps: number;
  /** Prior samples (columns) in the animation. */
  animationSamples: number;
  /** Frames of one sweep (the GIF plays it forth and back). */
  frames: number;
}

function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? (a + b) / 2 : a + ((b - a) * i) / (n - 1)));
}

export const traversals: ExperimentDefinition<TraversalSettings> = {
  name: "traversals",
  title: "β-VAE latent traversals for β ∈ {0.1, 1, 2, 10}",
  paper:
    "seed 003, “Beta-Variational Autoencoder Experiments” (a CelebA notebook after Higgins et al. 2017)",
  description:
    "β-VAEs with 6 latents and the convolutional architecture of Higgins et al. / Burgess " +
    "et al., for β ∈ {0.1, 1, 2, 10}. For each β: reconstructions of held-out images, a " +
    "traversal grid (one row per latent, ordered by its KL, sweeping it while the others stay " +
    "at the posterior mean of one image) and an animated GIF in the notebook's layout (one row " +
    "per latent, one column per sample from the prior; every frame moves that row's latent " +
    "from −range to range). The notebook used CelebA; dSprites is the default here and a " +
    "folder of face images can be given with `--data image-folder --data-path DIR`.",
  dataChoices: ["dsprites", "image-folder", ...GROUND_TRUTH_DATASETS.slice(1)],
  provenance:
    "Paper preset: β ∈ {0.1, 1, 2, 10}, 6 latents, the Burgess/Higgins architecture and 64×64 " +
    "images are the notebook's; its animation sweeps from −1 to 1. It does not give the " +
    "training length or learning rate and used MSE on standardised CelebA: we use Adam 5·10⁻⁴, " +
    "batch 64, 30 000 steps and a Bernoulli decoder (`--likelihood gaussian` for photographs). " +
    "Quick preset: 400 steps per β and a sweep over ±2 (the undertrained codes are narrower). " +
    "One seed (1) per β.",
  presets: {
    quick: {
      betas: [0.1, 1, 2, 10],
      latentDim: 6,
      model: "burgess",
      steps: 400,
      batchSize: 64,
      lr: 5e-4,
      seed: 1,
      validationFraction: 0.001,
      range: 2,
      traversalSteps: 9,
      animationSamples: 6,
      frames: 12,
      metricSamples: 1000,
    },
    paper: {
      betas: [0.1, 1, 2, 10],
      latentDim: 6,
      model: "burgess",
      steps: 30_000,
      batchSize: 64,
      lr: 5e-4,
      seed: 1,
      validationFraction: 0.01,
      range: 1,
      traversalSteps: 9,
      animationSamples: 6,
      frames: 16,
      metricSamples: 10_000,
    },
  },

  plan(s, context) {
    return Promise.resolve(s.betas.map((beta) =>
      plannedRun(context, `b${tag(beta)}`, {
        ...trainingValues(s, { validations: 4, checkpointAtMost: 2000 }),
        ...weighted("beta-vae", beta),
        data: "dsprites",
        latentDim: s.latentDim,
      }, { beta })
    ));
  },

  async analyse(s, runs, context) {
    const blocks: ReportBlock[] = [];
    const rows: Record<string, string | number | null>[] = [];
    const klRows: Record<string, string | number>[] = [];
    const { observations } = await heldOutObservations(runs[0].config, 8);
    const [, h, w, c] = observations.shape;
    const first = { data: observations.data.subarray(0, h * w * c), shape: [1, h, w, c] };
    const scale = h < 48 ? 2 : 1;
    const recon: ImageBatch[] = [];
    const grids: ReportBlock[] = [];
    const gifs: ReportBlock[] = [];
    const values = linspace(-s.range, s.range, s.traversalSteps);
    for (const run of runs) {
      const d = run.config.latentDim;
      await withModel(run.dir, async (model) => {
        const likelihood = run.config.likelihood;
        recon.push(reconstruct(model, observations, likelihood));
        // Latents by their KL on the validation set, largest first.
        const { validation } = await readLog(run.dir);
        const kl = validation.at(-1)?.klPerDimension ?? new Array(d).fill(0);
        const order = Array.from({ length: d }, (_, j) => j).sort((a, b) => kl[b] - kl[a]);
        kl.forEach((v, j) => klRows.push({ beta: betaOf(run.config), latent: `z${j + 1}`, kl: v }));
        // Static grid: row r sweeps latent order[r] of the first held-out image.
        const [base] = encodeMeans(model, first);
        const grid = traversalImages(model, order, {
          bases: values.map(() => base),
          values,
          likelihood,
        });
        grids.push(
          await imageFigure(
            context,
            `traversal_b${tag(betaOf(run.config))}.png`,
            encodePng(gridRaster(grid, { columns: values.length, scale })),
            `β = ${betaOf(run.config)}: one row per latent (${
              order.map((j) => `z${j + 1} KL ${kl[j].toFixed(2)}`).join(", ")
            }), swept over ${values.map((v) => tag(Number(v.toFixed(2)))).join(", ")}.`,
          ),
        );
        // Animation: rows = latents, columns = prior samples; frame t sets the row's latent to t.
        const rng = createRng(run.config.seed * 7919 + 17);
        const prior = Array.from(
          { length: s.animationSamples },
          () => Float32Array.from({ length: d }, () => rng.normal()),
        );
        const sweep = linspace(-s.range, s.range, s.frames);
        const frames = [...sweep, ...sweep.slice(1, -1).reverse()].map((t) =>
          gridRaster(
            traversalImages(model, order, {
              bases: prior,
              values: prior.map(() => t),
              likelihood,
            }),
            { columns: s.animationSamples, scale },
          )
        );
        gifs.push(
          await imageFigure(
            context,
            `animation_b${tag(betaOf(run.config))}.gif`,
            encodeGif(frames, 90),
            `β = ${betaOf(run.config)}: each row moves one latent (largest KL first) from ${-s
              .range} to ${s.range} and back, for ${s.animationSamples} samples from the prior (columns).`,
          ),
        );
      });
      const v = run.summary.finalValidation ?? {};
      rows.push({
        beta: betaOf(run.config),
        reconstruction: v.reconstruction ?? null,
        kl: v.kl ?? null,
        activeUnits: run.summary.metrics.scores.activeUnits ?? null,
        mig: run.summary.metrics.scores.mig ?? null,
      });
    }
    const dataFiles = [
      await writeCsv(context.dir, "losses", rows),
      await writeCsv(context.dir, "kl_per_latent", klRows),
    ];
    blocks.push({ kind: "heading", text: "Reconstructions" });
    blocks.push(
      await reconstructionFigure(context, {
        file: "reconstructions.png",
        observations,
        reconstructions: recon,
        scale,
        caption: `Held-out images (top row) and their reconstructions for β = ${
          runs.map((r) => betaOf(r.config)).join(", ")
        } (one row each).`,
      }),
    );
    blocks.push({
      kind: "table",
      caption: "Held-out losses at the end of training",
      columns: [
        { key: "beta", label: "β", digits: 1 },
        { key: "reconstruction", label: "reconstruction (nats/image)" },
        { key: "kl", label: "KL (nats)" },
        { key: "activeUnits", label: "active latents", digits: 0 },
        { key: "mig", label: "MIG" },
      ],
      rows,
    });
    blocks.push(
      await chartFigure(
        context,
        "kl_per_latent",
        {
          data: { values: klRows },
          width: { step: 14 },
          height: 160,
          mark: "bar",
          encoding: {
            column: { field: "beta", type: "ordinal", title: "β" },
            x: { field: "latent", type: "nominal", title: null },
            y: { field: "kl", type: "quantitative", title: "KL per latent (nats)" },
            color: { value: "#4c78a8" },
          },
        },
        "KL of each latent on held-out images: a latent near 0 carries nothing, so its traversal row does not change.",
      ),
    );
    blocks.push({ kind: "heading", text: "Traversals" });
    blocks.push(...grids);
    blocks.push({ kind: "heading", text: "Animations" });
    blocks.push(...gifs);
    return { blocks, dataFiles, results: { losses: rows, klPerLatent: klRows } };
  },
};
