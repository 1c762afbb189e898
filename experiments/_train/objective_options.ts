// The training step's hyper-parameters from the options, as the objective's
// record (listObjectives) says: its loss hyper-parameters, each weight that
// may be warmed up with its warm-up (its own, or the shared --kl-warmup), and
// its state's settings for buildObjectiveState.
import { linearSchedule } from "../../losses/linear_schedule.ts";
import type { Hyperparameter } from "../../losses/types.ts";
import type { BuildObjectiveStateOptions } from "../../models/build_objective_state.ts";
import { listObjectives, type ObjectiveListing } from "../../models/list_objectives.ts";
import type { ObjectiveOptions } from "../../models/train_step.ts";
import type { TrainConfig } from "./options.ts";

const value = (config: TrainConfig, key: string): unknown =>
  (config as unknown as Record<string, unknown>)[key];

/** The record of the run's objective. */
export function objectiveListing(config: TrainConfig): ObjectiveListing {
  return listObjectives().find((o) => o.name === config.objective)!;
}

/** What `trainStep` and `evaluateBatch` get, but the step and the seed. */
export function objectiveOptions(config: TrainConfig, datasetSize: number): ObjectiveOptions {
  const options: Record<string, unknown> = {
    objective: config.objective,
    datasetSize,
    estimator: config.estimator,
    likelihood: config.likelihood,
  };
  for (const h of objectiveListing(config).hyperparameters) {
    if (h.role === "state") continue;
    const v = h.fixed ? h.default : value(config, h.name);
    if (h.kind === "list") {
      if ((v as number[]).length > 0) options[h.name] = v;
      continue;
    }
    if (h.warmup) {
      // A term's own warm-up, or the shared KL warm-up when it is -1.
      const own = value(config, `${h.name}Warmup`) as number;
      const steps = own >= 0 ? own : config.klWarmup!;
      options[h.name] = steps > 0
        ? linearSchedule({ from: 0, to: v as number, steps }) as Hyperparameter
        : v;
    } else {
      options[h.name] = v;
    }
  }
  return options as unknown as ObjectiveOptions;
}

/** The settings of the objective's state (FactorVAE's discriminator), seeded by the run. */
export function objectiveStateOptions(config: TrainConfig): BuildObjectiveStateOptions {
  const options: Record<string, unknown> = { seed: config.seed };
  for (const h of objectiveListing(config).hyperparameters) {
    if (h.role === "state") options[h.name] = value(config, h.name);
  }
  return options as BuildObjectiveStateOptions;
}
