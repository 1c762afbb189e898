// Builds the explorer's files for one run: the page, the vendored tfjs
// bundles, the run's model in the layers format, run.json (config, metrics,
// log, dimension order, data images' codes) and the data images' pixels.
// Serving and the static export both use exactly these files.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadVae } from "../../models/load_vae.ts";
import { listObjectives } from "../../models/list_objectives.ts";
import { useBackend } from "../../models/use_backend.ts";
import { encodeObservations } from "../../models/encode_observations.ts";
import { activeUnits } from "../../metrics/active_units.ts";
import { CliError } from "../_train/cli_error.ts";
import { dimensionOrder, sliderRanges } from "./page/explorer_core.js";
import { openRunDataset, pickImages, type Picks } from "./pick_images.ts";
import { readRun, type RunInfo } from "./read_run.ts";
import { readVendorFiles } from "./vendor.ts";

/** The page's own files, in experiments/_explore/page/. */
export const PAGE_FILES = ["index.html", "explorer.js", "explorer_core.js", "explorer.css"];

/** What run.json holds (the page's only source of facts about the run). */
export interface SiteData {
  format: "disentangle-explorer/1";
  run: {
    name: string;
    state: string;
    checkpointStep: number | null;
    steps: number | null;
    generatedAt: string;
  };
  model: {
    latentDim: number;
    inputShape: number[];
    likelihood: string;
    architecture: string;
    objective: string;
    /** The objective's hyper-parameters as the run set them, e.g. "β 4" (listObjectives' symbols). */
    hyperparameters: string;
    encoder: string;
    decoder: string;
  };
  config: Record<string, unknown>;
  dims: {
    order: number[];
    kl: number[] | null;
    klSource: string;
    active: boolean[] | null;
    activeSource: string;
    ranges: [number, number][];
  };
  summary: {
    scores: Record<string, number>;
    finalTrain: Record<string, number> | null;
    finalValidation: Record<string, number> | null;
    seconds: number | null;
    stepsPerSecond: number | null;
    backend: string | null;
  } | null;
  log: { step: number; train?: Record<string, unknown>; validation?: Record<string, unknown> }[];
  picks: {
    file: string;
    dataset: string;
    heldOut: boolean;
    indices: number[];
    shape: number[];
    factorNames: string[];
    factors: number[][];
    mean: number[][];
    logVar: number[][];
  } | null;
  picksNote: string;
}

/** The files of the site (path → bytes) and what went into them. */
export interface Site {
  files: Map<string, Uint8Array>;
  data: SiteData;
  run: RunInfo;
  warnings: string[];
}

/** Options of {@link buildSite}. */
export interface BuildSiteOptions {
  /** Data images to offer (0: none). */
  samples: number;
  /** Seed of their choice. */
  seed: number;
}

const round = (v: number) => Number(v.toPrecision(7));

function lastWith(run: RunInfo, split: "train" | "validation", key: string) {
  for (let i = run.log.length - 1; i >= 0; i--) {
    const v = run.log[i][split]?.[key];
    if (v !== undefined) return { step: run.log[i].step, value: v };
  }
  return null;
}

/** Latent KL per dimension: the last validation line's, else the last training line's. */
function klPerDimension(run: RunInfo): { kl: number[] | null; source: string } {
  const d = run.vae.latentDim;
  for (const split of ["validation", "training"] as const) {
    const found = lastWith(run, split === "training" ? "train" : split, "klPerDimension");
    const v = found?.value;
    if (Array.isArray(v) && v.length === d && v.every((x) => Number.isFinite(x))) {
      return { kl: v.map(round), source: `${split} at step ${found!.step}` };
    }
  }
  return { kl: null, source: "no KL per dimension in log.jsonl" };
}

/** Which dimensions are active: the final metrics' list, else the variance of μ over the picks. */
function activeDims(
  run: RunInfo,
  mean: Float32Array[] | null,
): { active: boolean[] | null; source: string } {
  const d = run.vae.latentDim;
  const metrics = run.summary?.metrics as { activeUnits?: unknown; samples?: unknown } | undefined;
  const listed = metrics?.activeUnits;
  if (Array.isArray(listed) && listed.every((j) => Number.isInteger(j) && j >= 0 && j < d)) {
    return {
      active: Array.from({ length: d }, (_, j) => listed.includes(j)),
      source: `final metrics: Var[μ_j] > 0.01 over ${metrics?.samples ?? "the"} samples`,
    };
  }
  if (mean && mean.length >= 2) {
    const varying = activeUnits(mean).active;
    const active = Array.from({ length: d }, (_, j) => varying.includes(j));
    return { active, source: `Var[μ_j] > 0.01 over the ${mean.length} data images here` };
  }
  return { active: null, source: "unknown (no final metrics, no data images)" };
}

function numbers(value: unknown): Record<string, number> | null {
  if (!value || typeof value !== "object") return null;
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => typeof v === "number" && Number.isFinite(v)),
  ) as Record<string, number>;
}

/** Copies a layers-format model folder (model.json and the weight files it names). */
async function modelFiles(dir: string, prefix: string, files: Map<string, Uint8Array>) {
  const json = await readFile(join(dir, "model.json"));
  files.set(`${prefix}/model.json`, new Uint8Array(json));
  const manifest = JSON.parse(new TextDecoder().decode(json)).weightsManifest as {
    paths: string[];
  }[];
  for (const group of manifest) {
    for (const p of group.paths) {
      if (p.includes("..") || p.startsWith("/")) {
        throw new CliError(
          `Cannot explore: ${dir}/model.json names a weight file outside it: ${p}`,
        );
      }
      files.set(`${prefix}/${p}`, new Uint8Array(await readFile(join(dir, p))));
    }
  }
}

/**
 * Reads the run, loads its model in Deno (so a broken model is reported here,
 * in one line), encodes the picked data images and assembles the site.
 */
export async function buildSite(runDir: string, options: BuildSiteOptions): Promise<Site> {
  const warnings: string[] = [];
  const run = await readRun(runDir);
  if (run.checkpointStep !== null || !run.summary) {
    warnings.push(
      run.checkpointStep !== null
        ? `the run is unfinished: exploring its checkpoint at step ${run.checkpointStep}`
        : "the run has no summary.json: no final metrics to show",
    );
  }
  if (run.skippedLogLines > 0) {
    warnings.push(`skipped ${run.skippedLogLines} unreadable line(s) of log.jsonl`);
  }

  await useBackend("cpu");
  let vae;
  try {
    vae = await loadVae(run.modelDir);
  } catch (e) {
    throw new CliError((e as Error).message.split("\n")[0]);
  }
  let mean: Float32Array[] | null = null;
  let logVar: Float32Array[] | null = null;
  let picks: Picks | null = null;
  let picksNote = "";
  try {
    const decoded = vae.decoder.outputs[0].shape.slice(1).join();
    if (vae.latentDim !== run.vae.latentDim || decoded !== run.vae.inputShape.join()) {
      throw new CliError(
        `Cannot explore ${runDir}: the saved model does not match vae.json (latent ${vae.latentDim} vs ${run.vae.latentDim}, decoder output [${decoded}] vs [${run.vae.inputShape}])`,
      );
    }
    if (options.samples > 0) {
      try {
        const dataset = await openRunDataset(run);
        picks = await pickImages(run, dataset, { count: options.samples, seed: options.seed });
      } catch (e) {
        picksNote = (e as Error).message.split("\n")[0];
        warnings.push(`no data images in the picker: ${picksNote}`);
      }
    } else {
      picksNote = "no data images were asked for (--samples 0)";
    }
    if (picks && picks.indices.length > 0) {
      const data = new Float32Array(picks.pixels.length);
      for (let i = 0; i < data.length; i++) data[i] = picks.pixels[i] / 255;
      ({ mean, logVar } = encodeObservations(vae.encoder, { data, shape: picks.shape }));
      picksNote = `${picks.indices.length} images of ${picks.dataset}${
        picks.heldOut ? " from the run's validation split" : ""
      }`;
    }
  } finally {
    vae.encoder.dispose();
    vae.decoder.dispose();
  }

  const d = run.vae.latentDim;
  const { kl, source: klSource } = klPerDimension(run);
  const { active, source: activeSource } = activeDims(run, mean);
  const summary = run.summary;
  const metrics = summary?.metrics as { scores?: unknown } | undefined;
  const lastStep = run.log.length ? run.log[run.log.length - 1].step : null;
  const data: SiteData = {
    format: "disentangle-explorer/1",
    run: {
      name: run.name,
      state: String(run.status?.state ?? (summary ? "complete" : "unknown")),
      checkpointStep: run.checkpointStep,
      steps: typeof summary?.steps === "number" ? summary.steps : lastStep,
      generatedAt: new Date().toISOString(),
    },
    model: {
      latentDim: d,
      inputShape: run.vae.inputShape,
      likelihood: String(run.vae.config.likelihood ?? run.config.likelihood ?? "bernoulli"),
      architecture: String(run.vae.config.architecture ?? run.config.model ?? "unknown"),
      objective: String(run.vae.config.objective ?? run.config.objective ?? "unknown"),
      hyperparameters: hyperparameterText(run.config),
      encoder: "model/encoder/model.json",
      decoder: "model/decoder/model.json",
    },
    config: Object.fromEntries(
      Object.entries(run.config).filter(([k]) => !["config", "help", "out", "resume"].includes(k)),
    ),
    dims: {
      order: dimensionOrder(d, summary?.klOrder, kl),
      kl,
      klSource,
      active,
      activeSource,
      ranges: sliderRanges(d, mean ?? []),
    },
    summary: summary
      ? {
        scores: numbers(metrics?.scores) ?? {},
        finalTrain: numbers(summary.finalTrain),
        finalValidation: numbers(summary.finalValidation),
        seconds: typeof summary.seconds === "number" ? summary.seconds : null,
        stepsPerSecond: typeof summary.stepsPerSecond === "number" ? summary.stepsPerSecond : null,
        backend: typeof summary.backend === "string" ? summary.backend : null,
      }
      : null,
    log: run.log.map((r) => {
      const pick = (v?: Record<string, number | number[]>) =>
        v &&
        Object.fromEntries(
          Object.entries(v).map((
            [k, x],
          ) => [k, Array.isArray(x) ? x.map(round) : typeof x === "number" ? round(x) : x]),
        );
      return {
        step: r.step,
        ...(r.train ? { train: pick(r.train) } : {}),
        ...(r.validation ? { validation: pick(r.validation) } : {}),
      };
    }),
    picks: picks && mean && logVar
      ? {
        file: "data/picks.bin",
        dataset: picks.dataset,
        heldOut: picks.heldOut,
        indices: picks.indices,
        shape: picks.shape,
        factorNames: picks.factorNames,
        factors: picks.factors,
        mean: mean.map((r) => Array.from(r)),
        logVar: logVar.map((r) => Array.from(r)),
      }
      : null,
    picksNote,
  };

  const files = new Map<string, Uint8Array>();
  for (const name of PAGE_FILES) {
    files.set(name, await Deno.readFile(new URL(`./page/${name}`, import.meta.url)));
  }
  for (const [path, bytes] of await readVendorFiles()) files.set(path, bytes);
  await modelFiles(join(run.modelDir, "encoder"), "model/encoder", files);
  await modelFiles(join(run.modelDir, "decoder"), "model/decoder", files);
  if (data.picks && picks) files.set(data.picks.file, picks.pixels);
  files.set("run.json", new TextEncoder().encode(JSON.stringify(data)));
  return { files, data, run, warnings };
}

/** The run's objective's hyper-parameters that its config sets, e.g. "λ_od 10, λ_d 100". */
function hyperparameterText(config: Record<string, unknown>): string {
  const listing = listObjectives().find((o) => o.name === config.objective);
  const set = (listing?.hyperparameters ?? []).filter((h) => config[h.name] !== undefined);
  return set.map((h) => `${h.symbol} ${JSON.stringify(config[h.name])}`).join(", ") || "none";
}
