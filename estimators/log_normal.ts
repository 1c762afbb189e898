// The Gaussian log density of estimators/, which losses/ shares (it imports it
// from here, so the file has no leading underscore; it is not exported from
// mod.ts).
import * as tf from "@tensorflow/tfjs-core";

/** log(2π), the constant of every Gaussian log density. */
export const LOG_2PI: number = Math.log(2 * Math.PI);

/**
 * Elementwise log N(x; mean, exp(logVar)) with broadcasting, unchecked:
 * −½·(log 2π + logVar + (x − mean)²·exp(−logVar)). Call inside a tidy.
 */
export function logNormal(x: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  const sq = tf.square(tf.sub(x, mean));
  return tf.mul(-0.5, tf.add(tf.add(logVar, LOG_2PI), tf.mul(sq, tf.exp(tf.neg(logVar)))));
}
