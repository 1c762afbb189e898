import * as tf from "@tensorflow/tfjs-core";
import { logSumExp } from "./_log_sum_exp.ts";
import { logNormal } from "./log_normal.ts";
import { checkInteger, checkPosterior, checkTensor } from "./checks.ts";
import type { GaussianPosterior, LogQzEstimate } from "./types.ts";

/** Options of {@link exactLogQz}. */
export interface ExactLogQzOptions {
  /**
   * How many data-set posteriors are scored at once; bounds the memory of
   * the B×chunk×D intermediate without changing the result.
   * @default {1024}
   */
  readonly chunkSize?: number;
}

/**
 * The exact aggregate posterior of a (small) data set, for reference:
 * q(z) = (1/N)·Σ_n q(z|x_n) over all N posteriors of the data set, so
 * log q(z_i) = logsumexp_n Σ_d log N(z_{i,d}; μ_{n,d}, σ²_{n,d}) − log N and
 * log ∏_d q(z_{i,d}) = Σ_d [logsumexp_n log N(z_{i,d}; μ_{n,d}, σ²_{n,d}) − log N].
 * To use it inside `elboTerms`, close over the data set:
 * `estimator: (z) => exactLogQz(z, datasetPosterior)`.
 *
 * @example Identical posteriors: q(z) is the posterior itself
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { exactLogQz } from "@disentangle/vae/estimators";
 * import assert from "node:assert/strict";
 *
 * const all = { mean: tf.zeros([50, 2]) as tf.Tensor2D, logVar: tf.zeros([50, 2]) as tf.Tensor2D };
 * const z = tf.tensor2d([[0, 0]]);
 * const { logQz } = exactLogQz(z, all);
 * assert.ok(Math.abs(logQz.arraySync()[0] + Math.log(2 * Math.PI)) < 1e-5);
 * ```
 *
 * @param z Codes `[B, D]`.
 * @param datasetPosterior `{ mean, logVar }` of every sample of the data set, `[N, D]` each.
 * @param options The chunk size.
 * @returns `{ logQz, logProdQz }`, `[B]` each.
 */
export function exactLogQz(
  z: tf.Tensor2D,
  datasetPosterior: GaussianPosterior,
  options: ExactLogQzOptions = {},
): LogQzEstimate {
  const action = "compute the exact log q(z)";
  const { chunkSize = 1024 } = options;
  checkTensor(z, "z", action, 2);
  const { mean, logVar } = checkPosterior(datasetPosterior, "datasetPosterior", action);
  checkInteger(chunkSize, "options.chunkSize", action, 1);
  const [b, d] = z.shape;
  const [n, dn] = mean.shape;
  if (dn !== d) {
    throw new TypeError(
      `Cannot ${action}: z has ${d} dimensions but datasetPosterior.mean has ${dn} (shape [${mean.shape}])`,
    );
  }
  return tf.tidy(() => {
    const zi = tf.reshape(z, [b, 1, d]);
    const joint: tf.Tensor[] = [];
    const marginal: tf.Tensor[] = [];
    for (let start = 0; start < n; start += chunkSize) {
      const size = Math.min(chunkSize, n - start);
      const l = logNormal(
        zi,
        tf.reshape(tf.slice(mean, [start, 0], [size, d]), [1, size, d]),
        tf.reshape(tf.slice(logVar, [start, 0], [size, d]), [1, size, d]),
      );
      joint.push(logSumExp(tf.sum(l, 2), 1, true)); // [B, 1]
      marginal.push(logSumExp(l, 1, true)); // [B, 1, D]
    }
    const logN = Math.log(n);
    const logQz = tf.sub(logSumExp(tf.concat(joint, 1), 1), logN) as tf.Tensor1D;
    const perDim = tf.sub(logSumExp(tf.concat(marginal, 1), 1), logN); // [B, D]
    return { logQz, logProdQz: tf.sum(perDim, 1) as tf.Tensor1D };
  });
}
