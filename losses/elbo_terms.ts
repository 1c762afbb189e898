import * as tf from "@tensorflow/tfjs-core";
import { mssLogQz } from "../estimators/mss_log_qz.ts";
import { mwsLogQz } from "../estimators/mws_log_qz.ts";
import { logNormal } from "../estimators/log_normal.ts";
import { checkCodes, checkTensor } from "../estimators/checks.ts";
import type { ElboTerms, LogQzEstimator, VaeSample } from "./types.ts";

/** Options of {@link elboTerms}. */
export interface ElboTermsOptions {
  /**
   * How log q(z) and log ∏ q(z_d) are estimated: `"mws"` (minibatch weighted
   * sampling), `"mss"` (minibatch stratified sampling) or any
   * {@link LogQzEstimator}, e.g. `(z) => exactLogQz(z, datasetPosterior)`.
   * @default {"mws"}
   */
  readonly estimator?: "mws" | "mss" | LogQzEstimator;
  /**
   * N, the number of samples in the whole data set, which the minibatch
   * estimators need (required for `"mws"` and `"mss"`).
   * @default {undefined}
   */
  readonly datasetSize?: number;
}

/**
 * The per-sample terms of the ELBO and of its decomposition (Chen et al.
 * 2018): log q(z|x), log p(z), the estimated log q(z) and log ∏_d q(z_d),
 * and from them the index-code mutual information MI = log q(z|x) − log q(z),
 * the total correlation TC = log q(z) − log ∏_d q(z_d) and the dimension-wise
 * KL DWKL = log ∏_d q(z_d) − log p(z). They telescope:
 * MI + TC + DWKL = log q(z|x) − log p(z) for every estimator. All single-sample
 * Monte Carlo terms, unreduced, `[B]` each.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { elboTerms } from "@disentangle/vae/losses";
 * import assert from "node:assert/strict";
 *
 * const posterior = {
 *   mean: tf.randomNormal([8, 3], 0, 1, "float32", 1) as tf.Tensor2D,
 *   logVar: tf.fill([8, 3], -1) as tf.Tensor2D,
 * };
 * const z = tf.add(posterior.mean, tf.randomNormal([8, 3], 0, 0.6, "float32", 2)) as tf.Tensor2D;
 * const t = elboTerms({ z, posterior, logPxGivenZ: tf.zeros([8]) }, { datasetSize: 100 });
 * const sum = tf.add(tf.add(t.mi, t.tc), t.dwkl);
 * const diff = tf.sub(sum, tf.sub(t.logQzGivenX, t.logPz));
 * assert.ok(tf.max(tf.abs(diff)).dataSync()[0] < 1e-4);
 * ```
 *
 * @param sample `{ z, posterior, logPxGivenZ }` for one minibatch.
 * @param options The estimator and the data-set size.
 * @returns The terms, `[B]` each.
 */
export function elboTerms(sample: VaeSample, options: ElboTermsOptions = {}): ElboTerms {
  const action = "compute the ELBO terms";
  if (sample === null || typeof sample !== "object") {
    throw new TypeError(
      `Cannot ${action}: sample must be an object { z, posterior, logPxGivenZ }, got ${
        String(sample)
      }`,
    );
  }
  const { z, posterior } = checkCodes(sample.z, sample.posterior, action);
  const logPx = checkTensor(sample.logPxGivenZ, "sample.logPxGivenZ", action, 1);
  if (logPx.shape[0] !== z.shape[0]) {
    throw new TypeError(
      `Cannot ${action}: sample.logPxGivenZ has shape [${logPx.shape}] but the batch has ${
        z.shape[0]
      } samples`,
    );
  }
  const { estimator = "mws", datasetSize } = options;
  const estimate: LogQzEstimator = estimator === "mws"
    ? mwsLogQz
    : estimator === "mss"
    ? mssLogQz
    : typeof estimator === "function"
    ? estimator
    : (() => {
      throw new RangeError(
        `Cannot ${action}: options.estimator must be "mws", "mss" or a function, got ${
          String(estimator)
        }`,
      );
    })();
  return tf.tidy(() => {
    const logQzGivenX = tf.sum(logNormal(z, posterior.mean, posterior.logVar), 1) as tf.Tensor1D;
    const logPz = tf.sum(
      tf.mul(-0.5, tf.add(tf.square(z), Math.log(2 * Math.PI))),
      1,
    ) as tf.Tensor1D;
    const { logQz, logProdQz } = estimate(z, posterior, { datasetSize: datasetSize as number });
    return {
      logPxGivenZ: tf.clone(logPx) as tf.Tensor1D,
      logQzGivenX,
      logPz,
      logQz,
      logProdQz,
      mi: tf.sub(logQzGivenX, logQz) as tf.Tensor1D,
      tc: tf.sub(logQz, logProdQz) as tf.Tensor1D,
      dwkl: tf.sub(logProdQz, logPz) as tf.Tensor1D,
    };
  });
}
