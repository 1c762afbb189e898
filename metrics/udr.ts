import { averageRanks, pearson } from "./_ranks.ts";
import { checkMatrix, checkNumber, checkSameRows, type Columns } from "./_validate.ts";

/** Options of {@link udr}. */
export interface UdrOptions {
  /**
   * A latent is informative when its KL from the prior is strictly greater
   * than this; only informative latents are compared.
   * @default {0.01}
   */
  klThreshold?: number;
}

/** Result of {@link udr}. */
export interface UdrResult {
  /** Each model's UDR: the median of its pairwise scores with the other models. */
  scores: number[];
  /** `pairwise[i][j]`: the similarity score of models i and j (symmetric; null on the diagonal). */
  pairwise: (number | null)[][];
  /** Per model, the indices of its informative latents. */
  informative: number[][];
  /** The KL threshold used. */
  klThreshold: number;
  /** How latents are compared: the absolute Spearman correlation. */
  correlation: "spearman";
  /** The number of inputs N every representation was computed on. */
  samples: number;
}

/**
 * The Unsupervised Disentanglement Ranking (Duan et al. 2020, UDR_S): models
 * trained with the same configuration but different seeds should agree on a
 * disentangled representation (up to permutation and sign), and disagree on
 * entangled ones. For two models a and b, R_kl = |Spearman(z_a,k, z_b,l)| over
 * their informative latents (KL > `klThreshold`), and the pair's score is
 * ½·[mean_l (max_k R_kl)² / Σ_k R_kl + mean_k (max_l R_kl)² / Σ_l R_kl]: 1 when
 * each latent of one matches exactly one latent of the other, lower when a
 * latent spreads over several. A model's UDR is the median of its scores with
 * the others, as in disentanglement_lib. A pair where a model has no
 * informative latent scores 0; a latent whose correlations are all 0 adds 0.
 *
 * @example Two models that found the same two factors, one with its latents swapped and flipped
 * ```ts
 * import { udr } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * // The latents of a are uncorrelated (Spearman 0); b holds them as (−y, x).
 * const a = [[1, 2], [2, 4], [3, 1], [4, 3]];
 * const b = a.map(([x, y]) => [-y, x]);
 * const result = udr([a, b], [[1, 1], [1, 1]]);
 * assert.deepEqual(result.scores, [1, 1]);
 * ```
 *
 * @param representations One `[N][D]` matrix per model (N ≥ 2 rows, the same
 *   inputs in the same order for every model), e.g. posterior means.
 * @param klPerDimension One vector per model: each latent's KL from the prior
 *   (e.g. averaged over the same inputs).
 * @param options The KL threshold.
 * @returns Each model's score, the pairwise scores and the informative latents.
 * @throws {TypeError} If an argument is not an array of the right shape.
 * @throws {RangeError} If fewer than 2 models are given, row counts differ,
 *   the KL vectors do not match the latents, or a value is not finite.
 */
export function udr(
  representations: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>,
  klPerDimension: ReadonlyArray<ArrayLike<number>>,
  { klThreshold = 0.01 }: UdrOptions = {},
): UdrResult {
  const action = "compute the UDR";
  checkNumber(klThreshold, "klThreshold", action, 0);
  if (!Array.isArray(representations)) {
    throw new TypeError(`Cannot ${action}: representations must be an array of matrices`);
  }
  const m = representations.length;
  if (m < 2) throw new RangeError(`Cannot ${action}: it needs at least 2 models, got ${m}`);
  const models: Columns[] = representations.map((r, i) =>
    checkMatrix(r, `representations[${i}]`, action, { minRows: 2 })
  );
  models.forEach((c, i) =>
    checkSameRows(models[0], "representations[0]", c, `representations[${i}]`, action)
  );
  if (!Array.isArray(klPerDimension) || klPerDimension.length !== m) {
    throw new RangeError(
      `Cannot ${action}: klPerDimension must hold one vector per model (${m}), got ${
        Array.isArray(klPerDimension) ? klPerDimension.length : String(klPerDimension)
      }`,
    );
  }
  const informative = models.map((c, i) => {
    const kl = klPerDimension[i];
    if (kl === null || typeof kl !== "object" || kl.length !== c.d) {
      throw new RangeError(
        `Cannot ${action}: klPerDimension[${i}] must hold ${c.d} values (one per latent), got ${kl?.length}`,
      );
    }
    const keep: number[] = [];
    for (let j = 0; j < c.d; j++) {
      if (typeof kl[j] !== "number" || !Number.isFinite(kl[j])) {
        throw new RangeError(
          `Cannot ${action}: klPerDimension[${i}][${j}] must be finite, got ${kl[j]}`,
        );
      }
      if (kl[j] > klThreshold) keep.push(j);
    }
    return keep;
  });
  const ranks = models.map((c, i) => informative[i].map((j) => averageRanks(c.cols[j])));
  const pairwise: (number | null)[][] = Array.from({ length: m }, () => Array(m).fill(null));
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const score = pairScore(ranks[a], ranks[b]);
      pairwise[a][b] = score;
      pairwise[b][a] = score;
    }
  }
  const scores = pairwise.map((row, i) => median(row.filter((_, j) => j !== i) as number[]));
  return {
    scores,
    pairwise,
    informative,
    klThreshold,
    correlation: "spearman",
    samples: models[0].n,
  };
}

/** The relative-strength score of two models' ranked informative latents. */
function pairScore(a: Float64Array[], b: Float64Array[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const r = a.map((x) => b.map((y) => Math.abs(pearson(x, y))));
  const strength = (lines: number[][]) =>
    lines.reduce((s, line) => {
      const sum = line.reduce((t, v) => t + v, 0);
      return s + (sum > 0 ? Math.max(...line) ** 2 / sum : 0);
    }, 0) / lines.length;
  const columns = b.map((_, l) => r.map((row) => row[l]));
  return (strength(columns) + strength(r)) / 2;
}

function median(values: number[]): number {
  const v = [...values].sort((x, y) => x - y);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
