// The seeded DCI input of bench/dci_bench.ts and bench/dci_speed.ts: D = 10
// code dimensions, of which the first K = 5 noisily encode one factor each.
import { createRng } from "../data/create_rng.ts";

/** Code dimensions and the number of them that encode a factor. */
export const D = 10, K = 5;

/** `n` rows of factors of the given sizes and their codes, from `seed`. */
export function makeSplit(n: number, sizes: number[], seed: number) {
  const rng = createRng(seed);
  const factors = Array.from({ length: n }, () => sizes.map((s) => rng.int(s)));
  // Five dimensions noisily encode one factor each, five are nuisance.
  const codes = factors.map((f) =>
    Array.from({ length: D }, (_, j) => (j < K ? f[j] / sizes[j] : 0) + 0.1 * rng.normal())
  );
  return { codes, factors };
}
