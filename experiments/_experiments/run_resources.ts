// What one run of each experiment's presets asks a batch scheduler for: CPUs
// (the threads of one run), memory and a time limit. Estimates with room to
// spare from the quick presets measured on a 2-core machine (a few minutes a
// run, under 1.5 GB resident) and the paper presets' step counts at the
// measured 3–6 steps/s (conv) and 10–12 steps/s (MLP) of two threads; a run
// stopped by its limit resumes from its checkpoint when resubmitted.
import type { PresetName } from "./types.ts";

/** One run's share of a machine. */
export interface RunResources {
  /** CPUs, and so threads, of one run. */
  readonly cpus: number;
  /** Memory in Slurm's notation (4G). */
  readonly memory: string;
  /** Time limit of one run in Slurm's notation ([D-]HH:MM:SS). */
  readonly time: string;
}

const QUICK: RunResources = { cpus: 2, memory: "4G", time: "00:45:00" };

/** Per experiment and preset. */
export const RUN_RESOURCES: Record<string, Record<PresetName, RunResources>> = {
  // 50 epochs × 187 steps of the seed-000 conv net: about 1 h at 3 steps/s.
  tradeoff: { quick: QUICK, paper: { cpus: 2, memory: "6G", time: "04:00:00" } },
  // 10 000 steps, up to 125 latents, scores from 10 000 points: about 1–2 h.
  capacity: { quick: QUICK, paper: { cpus: 2, memory: "8G", time: "06:00:00" } },
  // 20 000 steps of the MNIST MLP and the classifiers: under an hour.
  transfer: { quick: QUICK, paper: { cpus: 2, memory: "4G", time: "03:00:00" } },
  // 300 000 steps of the Locatello MLP: about 8 h at 10 steps/s.
  grouped: { quick: QUICK, paper: { cpus: 2, memory: "4G", time: "1-00:00:00" } },
  // 30 000 steps of the Burgess conv net: about 2 h at 5 steps/s.
  traversals: { quick: QUICK, paper: { cpus: 2, memory: "6G", time: "08:00:00" } },
};

/** The report job: loads every model once, draws the figures. */
export const REPORT_RESOURCES: RunResources = { cpus: 2, memory: "8G", time: "02:00:00" };

/** Slurm's time notation in seconds ("1-02:00:00", "90" minutes, "01:30"). */
export function slurmSeconds(time: string): number {
  const [days, rest] = time.includes("-") ? time.split("-") : ["0", time];
  const parts = rest.split(":").map(Number);
  let seconds = 0;
  if (parts.length === 1) seconds = parts[0] * 60;
  else if (parts.length === 2) seconds = parts[0] * 60 + parts[1];
  else seconds = parts[0] * 3600 + parts[1] * 60 + parts[2];
  return Number(days) * 86400 + seconds;
}
