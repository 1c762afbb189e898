import { completenessParts, disentanglementParts } from "./_dci_from_importance.ts";
import { checkNonNegativeMatrix } from "./_validate.ts";

/** Result of {@link dciFromImportance}. */
export interface DciFromImportanceResult {
  /** Disentanglement D = Σ_d ρ_d·D_d, in [0, 1]. */
  readonly disentanglement: number;
  /** Completeness C = Σ_k ρ_k·C_k, in [0, 1]. */
  readonly completeness: number;
  /** D_d = 1 − H_K(P_d·) of every code dimension: `[D]`. */
  readonly perCode: number[];
  /** ρ_d, the share of all importance in code dimension d: `[D]`, summing to 1. */
  readonly codeWeights: number[];
  /** C_k = 1 − H_D(P_·k) of every factor: `[K]`. */
  readonly perFactor: number[];
  /** ρ_k, the share of all importance on factor k: `[K]`, summing to 1. */
  readonly factorWeights: number[];
}

/**
 * Disentanglement and completeness (Eastwood & Williams 2018) of an importance
 * matrix you already have (from your own regressors, say), computed as
 * disentanglement_lib's `dci.py` does from its boosted trees' importances; the
 * step {@link dci} ends with. With R the `[D][K]` matrix (rows code
 * dimensions, columns factors):
 *
 * - D_d = 1 − H_K(P_d·), P_d· = (R_d· + 1e-11) normalised to sum 1, entropy in
 *   base K; ρ_d = Σ_k R_dk / Σ R; D = Σ_d ρ_d·D_d;
 * - C_k = 1 − H_D(P_·k) in base D over column k (+ 1e-11, normalised);
 *   ρ_k = Σ_d R_dk / Σ R; C = Σ_k ρ_k·C_k.
 *
 * An all-zero matrix gets uniform weights (and D = C = 0 unless D or K is 1).
 * With one factor (K = 1) every D_d is 1, with one code (D = 1) every C_k is
 * 1: there is nothing to spread over.
 *
 * @param importance `[D][K]` non-negative finite numbers, D, K ≥ 1.
 * @returns D, C, the per-code and per-factor scores and their weights.
 * @throws {TypeError} If `importance` is not a rectangular array of numbers, or is empty.
 * @throws {RangeError} If an entry is negative, NaN or ±Infinity.
 *
 * @example A diagonal importance matrix is perfectly disentangled and complete
 * ```ts
 * import { dciFromImportance } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const r = dciFromImportance([[0.9, 0], [0, 0.8], [0, 0]]);
 * assert.ok(Math.abs(r.disentanglement - 1) < 1e-9 && Math.abs(r.completeness - 1) < 1e-9);
 * // one code equally important for both factors: D_0 = 1 − log 2 / log 2 = 0
 * assert.ok(Math.abs(dciFromImportance([[1, 1]]).disentanglement) < 1e-9);
 * ```
 */
export function dciFromImportance(
  importance: ReadonlyArray<ArrayLike<number>>,
): DciFromImportanceResult {
  const action = "compute DCI from an importance matrix";
  const r = checkNonNegativeMatrix(importance, "importance", action);
  const d = disentanglementParts(r);
  const c = completenessParts(r);
  return {
    disentanglement: d.score,
    completeness: c.score,
    perCode: d.parts,
    codeWeights: d.weights,
    perFactor: c.parts,
    factorWeights: c.weights,
  };
}
