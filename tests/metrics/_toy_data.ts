// Tiny ground-truth data sets for the sample-based scores: observations are
// the factors themselves (scaled to [0, 1]), optionally through a fixed linear
// mixing, so the identity representation is perfectly (or not) disentangled.
import type { GroundTruthData, Observations } from "../../data/ground_truth_data.ts";

/** A data set with independent uniform factors of the given sizes. */
export function toyData(sizes: number[], mixing?: number[][]): GroundTruthData {
  const k = sizes.length;
  const dim = mixing ? mixing.length : k;
  return {
    factorNames: sizes.map((_, i) => `f${i}`),
    factorSizes: sizes,
    observationShape: [dim],
    sampleFactors: (n, rng) =>
      Array.from({ length: n }, () => sizes.map((s) => Math.floor(rng() * s))),
    observationsFromFactors: (factors) => {
      const data = new Float32Array(factors.length * dim);
      factors.forEach((f, i) => {
        const scaled = sizes.map((s, j) => (s > 1 ? f[j] / (s - 1) : 0));
        for (let o = 0; o < dim; o++) {
          data[i * dim + o] = mixing
            ? mixing[o].reduce((acc, m, j) => acc + m * scaled[j], 0)
            : scaled[o];
        }
      });
      return { data, shape: [factors.length, dim] };
    },
  };
}

/** The identity representation: one code row per observation. */
export function identity(observations: Observations): Float32Array[] {
  const [n, dim] = observations.shape;
  return Array.from({ length: n }, (_, i) => observations.data.slice(i * dim, (i + 1) * dim));
}
