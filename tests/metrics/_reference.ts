// Deterministic inputs whose disentanglement_lib/numpy results are stored in
// reference.json (see its "_about"). Every value is a ratio of small integers,
// so TypeScript and numpy build bit-identical inputs.
import stored from "./reference.json" with { type: "json" };

/** Samples in the reference data set. */
export const N = 300;

/** A column for discretisation: ((i·37) mod 101)/7 − 3. */
export const column: number[] = Array.from({ length: N }, (_, i) => ((i * 37) % 101) / 7 - 3);

/** `[N][3]` factors: i mod 3, ⌊i/3⌋ mod 5, ⌊7i/11⌋ mod 4. */
export const factors: number[][] = Array.from(
  { length: N },
  (_, i) => [i % 3, Math.floor(i / 3) % 5, Math.floor((i * 7) / 11) % 4],
);

/** `[N][4]` codes: noisy, partly mixed functions of the factors and one nuisance dimension. */
export const codes: number[][] = factors.map(([f0, f1, f2], i) => [
  f0 + ((i * 13) % 17) / 40,
  f1 * 0.5 + f0 * 0.2 + ((i * 5) % 23) / 30,
  ((i * 29) % 31) / 31.0,
  f2 - f1 * 0.1 + ((i * 3) % 7) / 9,
]);

/** A 40-valued factor (IRS merges its values into 20 bins) and codes for it. */
export const f40: number[][] = Array.from({ length: N }, (_, i) => [(i * 7) % 40, i % 3]);
export const codes40: number[][] = f40.map(([a, b], i) => [a + ((i * 13) % 17) / 20, b + 0.0]);

interface Reference {
  disc20: number[];
  disc7: number[];
  mi: number[][];
  h: number[];
  mig: number;
  modularity: number;
  cov: number[][];
  tc: number;
  w: number;
  wnorm: number;
  mis: number;
  "irs_0.99": [number, number[][], number[]];
  "irs_0.5": [number, number[][], number[]];
  "irs_1.0": [number, number[][], number[]];
  irs40: number;
  irs40_raw: number;
  w3: number;
  tc3: number;
}

/** The stored numpy results. */
export const reference: Reference = stored as unknown as Reference;
