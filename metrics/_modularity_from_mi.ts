// The step of the modularity score from a [D][K] mutual information matrix,
// separate so that tests can reach it with hand-made matrices.

/** Modularity of each code row and their mean. */
export interface ModularityFromMi {
  /** Mean of `perCode`. */
  score: number;
  /** 1 − δ_j per code dimension j (0 for an all-zero row). */
  perCode: number[];
}

/**
 * Ridgeway & Mozer's modularity as in disentanglement_lib: per code j, with
 * θ_j = max_k I²_jk, δ_j = (Σ_k I²_jk − θ_j) / (θ_j·(K − 1)) and the row's
 * modularity 1 − δ_j; a row of zeros (θ_j = 0) scores 0. Needs K ≥ 2.
 */
export function modularityFromMi(mi: readonly (readonly number[])[]): ModularityFromMi {
  const perCode = mi.map((row) => {
    const k = row.length;
    let sum = 0, top = 0;
    for (let i = 0; i < k; i++) {
      const sq = row[i] * row[i];
      sum += sq;
      if (sq > top) top = sq;
    }
    if (top === 0) return 0;
    return 1 - (sum - top) / (top * (k - 1));
  });
  return { score: perCode.reduce((s, v) => s + v, 0) / perCode.length, perCode };
}
