// Disentanglement and completeness of Eastwood & Williams (2018) from an
// importance matrix R[D][K] (R[d][k]: importance of code d for factor k), as
// disentanglement_lib's dci.py computes them:
//
//   P[d][k] = (R[d][k] + 1e-11) / Σ_k' (R[d][k'] + 1e-11)
//   D_d = 1 − H_K(P[d][·]),  ρ_d = Σ_k R[d][k] / Σ R,   D = Σ_d ρ_d D_d
//   C_k = 1 − H_D(P̃[·][k]),  ρ_k = Σ_d R[d][k] / Σ R,   C = Σ_k ρ_k C_k
//
// with entropies in base K (D) and base D (C); an all-zero matrix gets uniform
// weights ρ. One factor (K = 1) or one code (D = 1) makes the normalised
// entropy 0/0; it is taken as 0, so the score is 1 (there is nothing to mix).

const EPS = 1e-11;

/** Entropy of `values` + 1e-11 (normalised to sum 1), in base `base`. */
function normalisedEntropy(values: readonly number[], base: number): number {
  if (base <= 1) return 0;
  let total = 0;
  for (const v of values) total += v + EPS;
  let h = 0;
  for (const v of values) {
    const p = (v + EPS) / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return h / Math.log(base);
}

/** Per-row scores 1 − H(row) in base (row length), their weights and the weighted sum. */
export interface WeightedScores {
  readonly score: number;
  readonly parts: number[];
  readonly weights: number[];
}

/** Σ_r weight_r·(1 − H_base(row r)), with weights ∝ row sums (uniform if all 0). */
function weightedScores(rows: readonly number[][], base: number): WeightedScores {
  const sums = rows.map((row) => row.reduce((a, b) => a + b, 0));
  const total = sums.reduce((a, b) => a + b, 0);
  let score = 0;
  const parts: number[] = [];
  const weights: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const part = 1 - normalisedEntropy(rows[r], base);
    const weight = total === 0 ? 1 / rows.length : sums[r] / total;
    score += part * weight;
    parts.push(part);
    weights.push(weight);
  }
  return { score, parts, weights };
}

/** Per-code disentanglement D_d, weights ρ_d and D, from `[D][K]` non-negative numbers. */
export function disentanglementParts(importance: readonly ArrayLike<number>[]): WeightedScores {
  return weightedScores(importance.map((row) => Array.from(row)), importance[0].length);
}

/** Per-factor completeness C_k, weights ρ_k and C, from `[D][K]` non-negative numbers. */
export function completenessParts(importance: readonly ArrayLike<number>[]): WeightedScores {
  const nCodes = importance.length;
  const columns = Array.from(
    { length: importance[0].length },
    (_, k) => Array.from({ length: nCodes }, (_, d) => importance[d][k]),
  );
  return weightedScores(columns, nCodes);
}

/** Disentanglement D from an importance matrix `[D][K]` of non-negative numbers. */
export function disentanglementFromImportance(importance: readonly ArrayLike<number>[]): number {
  return disentanglementParts(importance).score;
}

/** Completeness C from an importance matrix `[D][K]` of non-negative numbers. */
export function completenessFromImportance(importance: readonly ArrayLike<number>[]): number {
  return completenessParts(importance).score;
}
