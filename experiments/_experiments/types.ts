// The shapes shared by the experiments behind `deno task experiment`: what an
// experiment definition gives (its presets, its runs, its analysis) and what a
// report is made of.
import type { TrainConfig } from "../_train/options.ts";
import type { RunSummary } from "../_train/run_training.ts";

/** The presets every experiment has. */
export const PRESETS = ["quick", "paper"] as const;
/** A preset name. */
export type PresetName = typeof PRESETS[number];

/** Options given on the command line that apply to every run of an experiment. */
export interface RunOverrides {
  /** Training steps of every run. */
  steps?: number;
  /** How many seeds each multi-seed configuration gets. */
  seeds?: number;
  /** Data set and where it is. */
  data?: TrainConfig["data"];
  dataPath?: string;
  /** The factor grid of a file holding part of a data set (mpi3d, shapes3d, cars3d). */
  factorSizes?: number[];
  imageSize?: number;
  channels?: number;
  crops?: string;
  /** Seeded subset of the training split. */
  trainSize?: number;
  /** Samples encoded for the final metrics of every run. */
  metricSamples?: number;
  /** Training points of the β-VAE/FactorVAE scores. */
  scorePoints?: number;
  likelihood?: TrainConfig["likelihood"];
  backend?: TrainConfig["backend"];
  /** Steps between checkpoints (and so how much an interruption can lose). */
  checkpointEvery?: number;
}

/** One training run an experiment needs. */
export interface PlannedRun {
  /** Folder name under `<experiment>/runs/`, e.g. `beta-vae_b3`. */
  readonly id: string;
  /** The full configuration handed to the trainer (out and name already set). */
  readonly config: TrainConfig;
  /** What this run stands for in tables and plots, e.g. `{ objective: "β-VAE", beta: 3 }`. */
  readonly labels: Record<string, string | number>;
}

/** A run after training: its plan, its folder and what the trainer reported. */
export interface FinishedRun extends PlannedRun {
  readonly dir: string;
  readonly summary: RunSummary;
  /** "trained", "resumed" or "skipped" (finished before this invocation). */
  readonly outcome: "trained" | "resumed" | "skipped";
}

/** Where an experiment writes and what it may use while planning and analysing. */
export interface ExperimentContext {
  /** The experiment folder (`<out>/<name>-<preset>`). */
  readonly dir: string;
  readonly preset: PresetName;
  readonly overrides: RunOverrides;
  /** Progress lines for the person at the terminal. */
  readonly log: (line: string) => void;
}

/** A table of a report: columns with labels and number formats, rows of values. */
export interface TableBlock {
  readonly kind: "table";
  readonly caption: string;
  readonly columns: readonly {
    readonly key: string;
    readonly label: string;
    /** Decimals for numbers (default 3); ignored for strings. */
    readonly digits?: number;
  }[];
  readonly rows: readonly Record<string, string | number | null>[];
  /** A note under the table (plain text). */
  readonly note?: string;
}

/** A picture of a report, already written under the experiment folder. */
export interface FigureBlock {
  readonly kind: "figure";
  /** PNG or GIF path relative to the experiment folder. */
  readonly file: string;
  readonly caption: string;
  /** An SVG version beside it (relative path), linked from the report. */
  readonly svg?: string;
  /** Display width in CSS pixels in the HTML report. */
  readonly width?: number;
}

/** A paragraph of plain text (`code` and **bold** are rendered). */
export interface TextBlock {
  readonly kind: "text";
  readonly text: string;
}

/** A heading inside the report. */
export interface HeadingBlock {
  readonly kind: "heading";
  readonly text: string;
}

/** One element of a report, in order. */
export type ReportBlock = TableBlock | FigureBlock | TextBlock | HeadingBlock;

/** What an analysis gives back: the blocks of the report and the raw data files it wrote. */
export interface AnalysisResult {
  readonly blocks: ReportBlock[];
  /** Paths (relative to the experiment folder) of the CSV/JSON data files written. */
  readonly dataFiles: string[];
  /** Headline numbers for the summary (and for tests). */
  readonly results: Record<string, unknown>;
}

/** An experiment: its presets, the runs a preset needs, and how the report is made. */
export interface ExperimentDefinition<S> {
  /** The name given on the command line. */
  readonly name: string;
  readonly title: string;
  /** The seed paper, e.g. "seed 000: The tradeoff for β-TCVAE (Folkertsma et al. 2020)". */
  readonly paper: string;
  /** One paragraph: what the experiment reproduces. */
  readonly description: string;
  /** The data sets `--data` may choose (the first is the default). */
  readonly dataChoices: readonly TrainConfig["data"][];
  readonly presets: Record<PresetName, S>;
  /** Where each setting of the paper preset comes from (paper, or ours where the paper is silent). */
  readonly provenance: string;
  /** The runs a preset needs (may load the data set to size epochs). */
  plan(settings: S, context: ExperimentContext): Promise<PlannedRun[]>;
  /** Reads the finished runs, computes what the report shows, writes figures and data. */
  analyse(settings: S, runs: FinishedRun[], context: ExperimentContext): Promise<AnalysisResult>;
}
