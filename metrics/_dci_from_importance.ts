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

/** Disentanglement D from an importance matrix `[D][K]` of non-negative numbers. */
export function disentanglementFromImportance(importance: readonly ArrayLike<number>[]): number {
  const nCodes = importance.length;
  const nFactors = importance[0].length;
  const rowSums = importance.map((row) => Array.from(row).reduce((a, b) => a + b, 0));
  const total = rowSums.reduce((a, b) => a + b, 0);
  let score = 0;
  for (let d = 0; d < nCodes; d++) {
    const perCode = 1 - normalisedEntropy(Array.from(importance[d]), nFactors);
    const weight = total === 0 ? 1 / nCodes : rowSums[d] / total;
    score += perCode * weight;
  }
  return score;
}

/** Completeness C from an importance matrix `[D][K]` of non-negative numbers. */
export function completenessFromImportance(importance: readonly ArrayLike<number>[]): number {
  const nCodes = importance.length;
  const nFactors = importance[0].length;
  const columns = Array.from(
    { length: nFactors },
    (_, k) => Array.from({ length: nCodes }, (_, d) => importance[d][k]),
  );
  const colSums = columns.map((c) => c.reduce((a, b) => a + b, 0));
  const total = colSums.reduce((a, b) => a + b, 0);
  let score = 0;
  for (let k = 0; k < nFactors; k++) {
    const perFactor = 1 - normalisedEntropy(columns[k], nCodes);
    const weight = total === 0 ? 1 / nFactors : colSums[k] / total;
    score += perFactor * weight;
  }
  return score;
}
