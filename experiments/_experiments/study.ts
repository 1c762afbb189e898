// Experiment "study" (Locatello et al. 2019, "Challenging common assumptions
// in the unsupervised learning of disentangled representations"): the six
// unsupervised methods × their hyper-parameter values × seeds, every run
// scored with the trainer's final metrics and with UDR (Duan et al. 2020);
// per method, the distribution of each score; the rank correlation between
// the scores; how much of each score's spread the hyper-parameter explains
// and how much the seed; and how UDR ranks against the supervised scores.
// The methods and their values come from the objective registry (listObjectives).
import { permutation } from "../../data/permutation.ts";
import { spearmanCorrelation } from "../../metrics/spearman_correlation.ts";
import { udr } from "../../metrics/udr.ts";
import { encodeObservations } from "../../models/encode_observations.ts";
import {
  type HyperparameterName,
  listObjectives,
  type ObjectiveListing,
  type ObjectiveName,
} from "../../models/list_objectives.ts";
import { writeCsv } from "./data_files.ts";
import { chartFigure } from "./figures.ts";
import { datasetOf } from "./held_out.ts";
import { plannedRun, tag, type TrainingSettings, trainingValues } from "./make_config.ts";
import type { ExperimentDefinition, FinishedRun, PlannedRun, ReportBlock } from "./types.ts";
import { betweenShare } from "./stats.ts";
import { withModel } from "./with_model.ts";
import { GROUND_TRUTH_DATASETS } from "../_train/make_dataset.ts";

/** Settings of the study. */
export interface StudySettings extends Omit<TrainingSettings, "seed"> {
  /** The methods compared (objective names; each has a sweep in the registry). */
  methods: ObjectiveName[];
  /** Which of each method's sweep values are trained (indices into its sweep). */
  valueIndices: number[];
  /** Seeds 1..seeds for every configuration. */
  seeds: number;
  latentDim: number;
  /** log q(z) estimator of β-TCVAE (disentanglement_lib's is minibatch weighted sampling). */
  estimator: "mws" | "mss";
  /** FactorVAE's discriminator: hidden layers and units (the study's: 6 × 1000). */
  discriminatorLayers: number;
  discriminatorUnits: number;
  /** AnnealedVAE: the share of the steps over which C rises (the study: 100 000 of 300 000). */
  capacityShare: number;
  /** Inputs every model of a configuration encodes for UDR. */
  udrSamples: number;
}

/** The scores the report compares: the trainer's final metrics, then UDR. */
const SCORES: readonly { key: string; label: string; supervised: boolean }[] = [
  { key: "betaVaeScore", label: "β-VAE score", supervised: true },
  { key: "factorVaeScore", label: "FactorVAE score", supervised: true },
  { key: "mig", label: "MIG", supervised: true },
  { key: "dciDisentanglement", label: "DCI disentanglement", supervised: true },
  { key: "modularity", label: "Modularity", supervised: true },
  { key: "sap", label: "SAP", supervised: true },
  { key: "irs", label: "IRS", supervised: true },
  { key: "gaussianTotalCorrelation", label: "Gaussian TC (unsup.)", supervised: false },
  {
    key: "gaussianWassersteinCorrelationNorm",
    label: "Wasserstein corr. (unsup.)",
    supervised: false,
  },
  { key: "mutualInfoScore", label: "MI score (unsup.)", supervised: false },
  { key: "udr", label: "UDR", supervised: false },
];

function listing(
  name: ObjectiveName,
): ObjectiveListing & { sweep: NonNullable<ObjectiveListing["sweep"]> } {
  const o = listObjectives().find((l) => l.name === name);
  if (!o?.sweep) throw new TypeError(`Cannot plan the study: ${name} has no sweep in the registry`);
  return o as ObjectiveListing & { sweep: NonNullable<ObjectiveListing["sweep"]> };
}

/** The swept hyper-parameter's symbol, e.g. "β" or "λ_od". */
function symbolOf(o: ObjectiveListing, name: HyperparameterName): string {
  return o.hyperparameters.find((h) => h.name === name)?.symbol ?? name;
}

export const study: ExperimentDefinition<StudySettings> = {
  name: "study",
  title: "The large-scale study of unsupervised disentanglement: six methods, their values, seeds",
  paper:
    "Locatello et al. 2019, “Challenging Common Assumptions in the Unsupervised Learning of Disentangled Representations” (and UDR: Duan et al. 2020, “Unsupervised Model Selection for Variational Disentangled Representation Learning”)",
  description:
    "β-VAE, AnnealedVAE, FactorVAE, DIP-VAE-I, DIP-VAE-II and β-TCVAE, each trained with " +
    "its hyper-parameter values of the study (from the objective registry) and several seeds, " +
    "on dSprites (or another ground-truth data set with `--data`). Every run is scored with " +
    "the trainer's final metrics (β-VAE and FactorVAE scores, MIG, DCI disentanglement, " +
    "modularity, SAP, IRS and the unsupervised scores) and with UDR, which compares the " +
    "models of one configuration (method and value) with each other. The report shows each " +
    "score's distribution per method, the Spearman rank correlation between the scores, the " +
    "share of each score's variance the hyper-parameter explains (the rest is the seed's), " +
    "and how UDR ranks the runs against the supervised scores.",
  dataChoices: GROUND_TRUTH_DATASETS,
  provenance:
    "Paper preset: the six methods and their six values each (β-VAE β ∈ {1, 2, 4, 6, 8, 16}; " +
    "AnnealedVAE C_max ∈ {5, 10, 25, 50, 75, 100} with γ = 1000 and C reached after 100 000 " +
    "steps; FactorVAE γ ∈ {10, 20, 30, 40, 50, 100} with a 6 × 1000 leaky-ReLU discriminator and " +
    "its Adam (10⁻⁴, β₁ 0.5, β₂ 0.9); DIP-VAE-I λ_od ∈ {1, 2, 5, 10, 20, 50}, λ_d = 10·λ_od; " +
    "DIP-VAE-II the same λ_od, λ_d = λ_od; β-TCVAE β ∈ {1, 2, 4, 6, 8, 10}, minibatch weighted " +
    "sampling), 10 latents, the convolutional architecture (the Burgess et al. net), 300 000 " +
    "steps, batch 64, Adam 10⁻⁴ and 50 seeds are theirs: 1 800 runs. The β-VAE and FactorVAE " +
    "scores from 10 000 points and UDR (Spearman) from 10 000 inputs follow their protocols. " +
    "Quick preset, sized to a few minutes of every core of a 2-core machine: each method's 1st " +
    "and 4th value, 2 seeds (24 runs), the Locatello et al. MLP, 60 steps at Adam 10⁻³ (10⁻⁴ " +
    "learns nothing in so few), a 2 × 256 discriminator, metrics from 1 000 samples, the β-VAE " +
    "and FactorVAE scores from 50 training points (their encodings were 2/3 of the time), UDR from " +
    "1 000 inputs. Its numbers say whether the pipeline works, not what the paper found.",
  presets: {
    quick: {
      methods: ["beta-vae", "capacity", "factor-vae", "dip-vae-i", "dip-vae-ii", "beta-tcvae"],
      valueIndices: [0, 3],
      seeds: 2,
      latentDim: 10,
      model: "locatello-mlp",
      steps: 60,
      batchSize: 64,
      lr: 1e-3,
      validationFraction: 0.002,
      metricSamples: 1000,
      scorePoints: 50,
      estimator: "mws",
      discriminatorLayers: 2,
      discriminatorUnits: 256,
      capacityShare: 1 / 3,
      udrSamples: 1000,
    },
    paper: {
      methods: ["beta-vae", "capacity", "factor-vae", "dip-vae-i", "dip-vae-ii", "beta-tcvae"],
      valueIndices: [0, 1, 2, 3, 4, 5],
      seeds: 50,
      latentDim: 10,
      model: "burgess",
      steps: 300_000,
      batchSize: 64,
      lr: 1e-4,
      validationFraction: 0.01,
      metricSamples: 10_000,
      scorePoints: 10_000,
      estimator: "mws",
      discriminatorLayers: 6,
      discriminatorUnits: 1000,
      capacityShare: 1 / 3,
      udrSamples: 10_000,
    },
  },

  plan(s, context) {
    const seeds = context.overrides.seeds ?? s.seeds;
    const steps = context.overrides.steps ?? s.steps;
    const runs: PlannedRun[] = [];
    for (const method of s.methods) {
      const o = listing(method);
      const parameter = o.sweep.name;
      for (const index of s.valueIndices) {
        const value = o.sweep.values[index];
        if (value === undefined) {
          throw new RangeError(
            `Cannot plan the study: ${method} has ${o.sweep.values.length} values, no index ${index}`,
          );
        }
        for (let seed = 1; seed <= seeds; seed++) {
          runs.push(plannedRun(context, `${method}_${parameter}${tag(value)}_s${seed}`, {
            ...trainingValues({ ...s, seed }, { validations: 2, checkpointAtMost: 5000 }),
            data: "dsprites",
            objective: method,
            latentDim: s.latentDim,
            estimator: s.estimator,
            [parameter]: value,
            ...(o.state === "discriminator"
              ? {
                discriminatorLayers: s.discriminatorLayers,
                discriminatorUnits: s.discriminatorUnits,
              }
              : {}),
            ...(method === "capacity"
              ? { capacitySteps: Math.round(s.capacityShare * steps) }
              : {}),
          }, {
            method: o.title,
            parameter: symbolOf(o, parameter),
            value,
            seed,
          }));
        }
      }
    }
    return Promise.resolve(runs);
  },

  async analyse(s, runs, context) {
    const configuration = (r: FinishedRun) =>
      `${r.labels.method} ${r.labels.parameter} = ${r.labels.value}`;
    // UDR: the models of one configuration encode the same inputs (a seeded sample of the data set).
    const udrOf = new Map<string, number>();
    const groups = new Map<string, FinishedRun[]>();
    for (const run of runs) {
      groups.set(configuration(run), [...(groups.get(configuration(run)) ?? []), run]);
    }
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      const dataset = await datasetOf(group[0].config);
      const all = Int32Array.from({ length: dataset.size }, (_, i) => i);
      const sample = permutation(all, { seed: 1, stream: 0x554452 })
        .subarray(0, Math.min(s.udrSamples, dataset.size)).sort();
      const observations = await dataset.observations(sample);
      const encoded = [];
      for (const run of group) {
        encoded.push(
          await withModel(run.dir, (model) => {
            const { mean, logVar } = encodeObservations(model.encoder, observations);
            const d = mean[0].length;
            const kl = Array.from({ length: d }, (_, j) =>
              mean.reduce(
                (t, m, i) => t + 0.5 * (m[j] ** 2 + Math.exp(logVar[i][j]) - 1 - logVar[i][j]),
                0,
              ) / mean.length);
            return { mean, kl };
          }),
        );
      }
      const result = udr(encoded.map((e) => e.mean), encoded.map((e) => e.kl));
      group.forEach((run, i) => udrOf.set(run.id, result.scores[i]));
    }
    const rows = runs.map((run) => {
      const scores = run.summary.metrics?.scores ?? {};
      const row: Record<string, string | number | null> = {
        id: run.id,
        method: run.labels.method as string,
        parameter: run.labels.parameter as string,
        value: run.labels.value as number,
        seed: run.labels.seed as number,
      };
      for (const { key } of SCORES) {
        const v = key === "udr" ? udrOf.get(run.id) : scores[key];
        row[key] = typeof v === "number" && Number.isFinite(v) ? v : null;
      }
      return row;
    });
    const present = SCORES.filter(({ key }) => rows.some((r) => r[key] !== null));
    const methods = s.methods.map((m) => listing(m).title);
    const dataFiles = [await writeCsv(context.dir, "scores", rows)];
    const blocks: ReportBlock[] = [];

    // Per method, each score over hyper-parameters and seeds.
    const long = rows.flatMap((r) =>
      present.filter(({ key }) => r[key] !== null).map(({ key, label }) => ({
        method: r.method,
        value: `${r.parameter} = ${r.value}`,
        seed: r.seed,
        score: label,
        result: r[key],
        jitter: ((((r.seed as number) * 0.618034 + (r.value as number) * 0.1) % 1) - 0.5) * 1.2,
      }))
    );
    blocks.push({
      kind: "heading",
      text: "Each score per method, over hyper-parameters and seeds",
    });
    blocks.push(
      await chartFigure(
        context,
        "scores_per_method",
        {
          data: { values: long },
          facet: {
            field: "score",
            type: "nominal",
            title: null,
            sort: present.map((p) => p.label),
          },
          columns: 4,
          resolve: { scale: { y: "independent" } },
          spec: {
            width: 190,
            height: 150,
            layer: [
              {
                mark: { type: "boxplot", extent: "min-max", opacity: 0.35, size: 18 },
                encoding: {
                  x: {
                    field: "method",
                    type: "nominal",
                    sort: methods,
                    title: null,
                    axis: { labelAngle: -40 },
                  },
                  y: { field: "result", type: "quantitative", title: null },
                  color: { field: "method", type: "nominal", sort: methods, legend: null },
                },
              },
              {
                mark: { type: "point", filled: true, size: 22, opacity: 0.9 },
                encoding: {
                  x: { field: "method", type: "nominal", sort: methods, title: null },
                  xOffset: { field: "jitter", type: "quantitative", scale: { domain: [-1, 1] } },
                  y: { field: "result", type: "quantitative", title: null },
                  color: { field: "method", type: "nominal", sort: methods, legend: null },
                  tooltip: [{ field: "value" }, { field: "seed" }, { field: "result" }],
                },
              },
            ],
          },
        },
        "Every run is a dot (its method's colour), over a box of its method's runs (min, quartiles, max): the spread is over the hyper-parameter values and the seeds together (the paper's Figures 1 and 13).",
      ),
    );

    // The rank correlation between the scores, over all runs.
    const cells: Record<string, string | number | null>[] = [];
    for (const a of present) {
      for (const b of present) {
        const pairs = rows.filter((r) => r[a.key] !== null && r[b.key] !== null);
        const rho = pairs.length >= 3
          ? spearmanCorrelation(
            pairs.map((r) => r[a.key] as number),
            pairs.map((r) => r[b.key] as number),
          )
          : null;
        cells.push({ a: a.label, b: b.label, rho, runs: pairs.length });
      }
    }
    dataFiles.push(await writeCsv(context.dir, "rank_correlation", cells));
    blocks.push({ kind: "heading", text: "Rank correlation between the scores" });
    const labels = present.map((p) => p.label);
    blocks.push(
      await chartFigure(
        context,
        "rank_correlation",
        {
          data: { values: cells.filter((c) => c.rho !== null) },
          width: 24 * labels.length,
          height: 24 * labels.length,
          encoding: {
            x: {
              field: "a",
              type: "nominal",
              sort: labels,
              title: null,
              axis: { labelAngle: -50 },
            },
            y: { field: "b", type: "nominal", sort: labels, title: null },
          },
          layer: [
            {
              mark: "rect",
              encoding: {
                color: {
                  field: "rho",
                  type: "quantitative",
                  title: "Spearman ρ",
                  scale: { scheme: "redblue", domain: [-1, 1], reverse: true },
                },
              },
            },
            {
              mark: { type: "text", fontSize: 8 },
              encoding: { text: { field: "rho", type: "quantitative", format: ".1f" } },
            },
          ],
        },
        "Spearman rank correlation between every pair of scores over all runs (the paper's Figure 2).",
      ),
    );

    // How much of each score's spread within a method comes from the hyper-parameter.
    const shares: Record<string, string | number | null>[] = [];
    for (const method of methods) {
      const mine = rows.filter((r) => r.method === method);
      for (const { key, label } of present) {
        const scored = mine.filter((r) => r[key] !== null);
        if (scored.length < 2) continue;
        const hyper = betweenShare(
          scored.map((r) => r[key] as number),
          (i) => String(scored[i].value),
        );
        shares.push({
          method,
          score: label,
          hyperparameter: hyper,
          seed: 1 - hyper,
          runs: scored.length,
        });
      }
    }
    dataFiles.push(await writeCsv(context.dir, "variance_shares", shares));
    blocks.push({
      kind: "heading",
      text: "Hyper-parameter or seed: where each score's spread comes from",
    });
    blocks.push(
      await chartFigure(
        context,
        "variance_shares",
        {
          data: { values: shares },
          width: 22 * labels.length,
          height: 22 * methods.length,
          encoding: {
            x: {
              field: "score",
              type: "nominal",
              sort: labels,
              title: null,
              axis: { labelAngle: -50 },
            },
            y: { field: "method", type: "nominal", sort: methods, title: null },
          },
          layer: [
            {
              mark: "rect",
              encoding: {
                color: {
                  field: "hyperparameter",
                  type: "quantitative",
                  title: "hyper-parameter share",
                  scale: { scheme: "blues", domain: [0, 1] },
                },
              },
            },
            {
              mark: { type: "text", fontSize: 8 },
              encoding: { text: { field: "hyperparameter", type: "quantitative", format: ".2f" } },
            },
          ],
        },
        "Per method and score, the share of the variance over its runs that lies between its hyper-parameter values (Σ n_v (mean_v − mean)² / Σ (x − mean)²); the rest, 1 minus it, is the spread between seeds of one value. The paper finds the seed matters as much as the hyper-parameter.",
      ),
    );

    // UDR against the supervised scores.
    const udrRows = present.filter((p) => p.supervised).map(({ key, label }) => {
      const pairs = rows.filter((r) => r.udr !== null && r[key] !== null);
      return {
        score: label,
        rho: pairs.length >= 3
          ? spearmanCorrelation(
            pairs.map((r) => r.udr as number),
            pairs.map((r) => r[key] as number),
          )
          : null,
        runs: pairs.length,
      };
    });
    dataFiles.push(await writeCsv(context.dir, "udr_rank_correlation", udrRows));
    blocks.push({ kind: "heading", text: "UDR against the supervised scores" });
    if (udrRows.some((r) => r.rho !== null)) {
      blocks.push(
        await chartFigure(
          context,
          "udr_rank_correlation",
          {
            data: { values: udrRows.filter((r) => r.rho !== null) },
            width: 320,
            height: 22 * udrRows.length,
            mark: { type: "bar" },
            encoding: {
              y: { field: "score", type: "nominal", sort: null, title: null },
              x: {
                field: "rho",
                type: "quantitative",
                title: "Spearman ρ with UDR",
                scale: { domain: [-1, 1] },
              },
              color: { value: "#4c78a8" },
            },
          },
          "How UDR (no labels) ranks the runs against each supervised score (Duan et al. report ρ ≈ 0.5–0.8 on dSprites).",
        ),
      );
    }
    blocks.push({
      kind: "table",
      caption: "Spearman correlation of UDR with each supervised score over the runs",
      columns: [
        { key: "score", label: "Score" },
        { key: "rho", label: "ρ with UDR", digits: 2 },
        { key: "runs", label: "Runs" },
      ],
      rows: udrRows,
      note: "UDR needs at least two seeds of a configuration; runs without a partner have none.",
    });
    blocks.push({
      kind: "table",
      caption: "Every run's scores",
      columns: [
        { key: "method", label: "Method" },
        { key: "parameter", label: "" },
        { key: "value", label: "Value" },
        { key: "seed", label: "Seed" },
        ...present.map(({ key, label }) => ({ key, label, digits: 3 })),
      ],
      rows,
    });
    return {
      blocks,
      dataFiles,
      results: { runs: rows, rankCorrelation: cells, varianceShares: shares, udr: udrRows },
    };
  },
};
