/**
 * What {@link trainStep} throws when a minibatch's loss is NaN or ±Infinity
 * (the weights are left as they were before the step). It is a `RangeError`,
 * so code catching those still catches it, and it carries the step and the
 * terms that were not finite, so a caller can tell a diverged run from a bad
 * argument without reading the message.
 *
 * @example A minibatch of NaN pixels
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { buildVae, fusedAdam, NonFiniteLossError, trainStep } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * const vae = buildVae("mnist-mlp", { inputShape: [4, 4, 1], latentDim: 2, seed: 1 });
 * const x = tf.fill([4, 4, 4, 1], NaN);
 * assert.throws(
 *   () => trainStep({ vae, optimizer: fusedAdam() }, x, { datasetSize: 100, step: 17 }),
 *   (e) => e instanceof NonFiniteLossError && e.step === 17 && Number.isNaN(e.terms.loss),
 * );
 * assert.ok(new NonFiniteLossError(3, { loss: Infinity }) instanceof RangeError);
 * ```
 */
export class NonFiniteLossError extends RangeError {
  /** The step whose loss was not finite. */
  readonly step: number;
  /** Every term of the step's report that was not finite, e.g. `{ loss: NaN, kl: Infinity }`. */
  readonly terms: Readonly<Record<string, number>>;

  /**
   * Creates the error; its message names the step and the terms.
   *
   * @param step The step whose loss was not finite.
   * @param terms The terms that were not finite, in report order.
   */
  constructor(step: number, terms: Readonly<Record<string, number>>) {
    const listed = Object.entries(terms).map(([k, v]) => `${k} = ${v}`).join(", ");
    super(`Cannot run a training step: the loss is not finite at step ${step} (${listed})`);
    this.name = "NonFiniteLossError";
    this.step = step;
    this.terms = terms;
  }
}
