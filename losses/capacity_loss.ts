import * as tf from "@tensorflow/tfjs-core";
import { preset } from "./_preset.ts";
import { checkFinite, resolveHyperparameter } from "./_validate.ts";
import type { ElboTermsOptions } from "./elbo_terms.ts";
import { linearSchedule } from "./linear_schedule.ts";
import type { Hyperparameter, LossResult, VaeSample } from "./types.ts";

/** Options of {@link capacityLoss}. */
export interface CapacityLossOptions extends ElboTermsOptions {
  /**
   * γ, the weight of the distance between the KL and the capacity.
   * @default {1000}
   */
  readonly gamma?: Hyperparameter;
  /**
   * C, the target KL in nats, usually raised linearly during training.
   * @default {linearSchedule({ from: 0, to: 25, steps: 100_000 })}
   */
  readonly capacity?: Hyperparameter;
  /**
   * The training step at which schedules are evaluated.
   * @default {0}
   */
  readonly step?: number;
}

const defaultCapacity = linearSchedule({ from: 0, to: 25, steps: 100_000 });

/**
 * The controlled-capacity objective of Burgess et al. (2018), "Understanding
 * disentangling in β-VAE": −log p(x|z) + γ·|KL − C|, with KL the closed-form
 * KL(q(z|x) ‖ N(0, I)) averaged over the batch (as in the paper's
 * experiments) and the capacity C usually scheduled.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { capacityLoss } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const posterior = { mean: tf.ones([2, 2]) as tf.Tensor2D, logVar: tf.zeros([2, 2]) as tf.Tensor2D };
 * const sample = { z: tf.ones([2, 2]) as tf.Tensor2D, posterior, logPxGivenZ: tf.fill([2], -2) as tf.Tensor1D };
 * // KL = 1 per sample; |1 − 3| = 2.
 * const { loss } = capacityLoss(sample, { gamma: 10, capacity: 3, datasetSize: 10 });
 * assert.ok(Math.abs(loss.arraySync() - (2 + 10 * 2)) < 1e-5);
 * ```
 *
 * @param sample `{ z, posterior, logPxGivenZ }` for one minibatch.
 * @param options γ, C, the estimator for the logged terms, the data-set size, the step.
 * @returns `{ loss, terms, kl }`.
 */
export function capacityLoss(sample: VaeSample, options: CapacityLossOptions = {}): LossResult {
  const action = "compute the capacity loss";
  const { gamma = 1000, capacity = defaultCapacity, step = 0, ...estimation } = options;
  checkFinite(step, "options.step", action, 0);
  const g = resolveHyperparameter(gamma, "options.gamma", action, step, 0);
  const c = resolveHyperparameter(capacity, "options.capacity", action, step, 0);
  return preset(sample, estimation, (terms, kl) =>
    tf.add(
      tf.neg(tf.mean(terms.logPxGivenZ)),
      tf.mul(g, tf.abs(tf.sub(tf.mean(kl), c))),
    ));
}
