// Deterministic inputs whose scikit-learn / disentanglement_lib results are
// stored in classifier_reference.json (made by classifier_reference.py). Every
// value is a ratio of small integers combined in the same order as there, so
// TypeScript and numpy build bit-identical inputs.
import stored from "./classifier_reference.json" with { type: "json" };

/** Codes `[n][4]` and factors `[n][3]` of rows start … start + n − 1. */
function rows(start: number, n: number): { codes: number[][]; factors: number[][] } {
  const codes: number[][] = [];
  const factors: number[][] = [];
  for (let i = start; i < start + n; i++) {
    const f0 = i % 3, f1 = Math.floor(i / 3) % 4, f2 = Math.floor((i * 7) / 11) % 2;
    factors.push([f0, f1, f2]);
    codes.push([
      f0 + ((i * 13) % 17) / 20,
      f1 * 0.5 + f0 * 0.2 + ((i * 5) % 23) / 25,
      ((i * 29) % 31) / 31,
      f2 + ((i * 3) % 7) / 5 - f1 * 0.1,
    ]);
  }
  return { codes, factors };
}

/** The training split: 240 rows. */
export const train: { codes: number[][]; factors: number[][] } = rows(0, 240);
/** The test split: 120 rows. */
export const test: { codes: number[][]; factors: number[][] } = rows(240, 120);

/** The stored reference values. */
export const reference: {
  gbt_importance: number[][];
  gbt_acc_train: number[];
  gbt_acc_test: number[];
  gbt_raw_test: (number[] | number[][])[];
  dci_disentanglement: number;
  dci_completeness: number;
  sap_matrix: number[][];
  sap_score: number;
  svm_coef_default: number[][];
  svm_coef_tight: number[][];
  explicitness_train: number[];
  explicitness_test: number[];
  lr_coef_tight: number[][][];
} = stored;
