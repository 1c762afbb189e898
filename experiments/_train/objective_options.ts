// The training step's hyper-parameters from the options: the weights with
// their warm-ups, and the capacity schedule.
import { linearSchedule } from "../../losses/linear_schedule.ts";
import type { Hyperparameter } from "../../losses/types.ts";
import type { ObjectiveOptions } from "../../models/train_step.ts";
import type { TrainConfig } from "./options.ts";

/** What `trainStep` and `evaluateBatch` get, but the step and the seed. */
export function objectiveOptions(config: TrainConfig, datasetSize: number): ObjectiveOptions {
  // A term's own warm-up, or the shared KL warm-up when it is -1.
  const warm = (v: number, own: number): Hyperparameter => {
    const steps = own >= 0 ? own : config.klWarmup;
    return steps > 0 ? linearSchedule({ from: 0, to: v, steps }) : v;
  };
  return {
    objective: config.objective,
    datasetSize,
    beta: warm(config.objective === "vae" ? 1 : config.beta, config.betaWarmup),
    alpha: warm(config.alpha, config.alphaWarmup),
    gamma: config.objective === "capacity" ? config.gamma : warm(config.gamma, config.gammaWarmup),
    capacity: linearSchedule({ from: 0, to: config.capacityMax, steps: config.capacitySteps }),
    estimator: config.estimator,
    likelihood: config.likelihood,
    ...(config.groupSizes.length > 0 ? { groupSizes: config.groupSizes } : {}),
  };
}
