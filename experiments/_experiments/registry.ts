// The experiments `deno task experiment NAME` knows, by name.
import { capacity } from "./capacity.ts";
import { grouped } from "./grouped.ts";
import { study } from "./study.ts";
import { tradeoff } from "./tradeoff.ts";
import { transfer } from "./transfer.ts";
import { traversals } from "./traversals.ts";
import type { ExperimentDefinition } from "./types.ts";

/** Every experiment, in the order of the seed papers, then Locatello et al.'s study. */
export const EXPERIMENTS: Record<string, ExperimentDefinition<unknown>> = {
  tradeoff: tradeoff as ExperimentDefinition<unknown>,
  capacity: capacity as ExperimentDefinition<unknown>,
  transfer: transfer as ExperimentDefinition<unknown>,
  grouped: grouped as ExperimentDefinition<unknown>,
  traversals: traversals as ExperimentDefinition<unknown>,
  study: study as ExperimentDefinition<unknown>,
};
