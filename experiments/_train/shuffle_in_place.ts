// The in-place, three-argument shuffle the training and experiment code calls,
// on top of the public `permutation` of data/ (the same order: the same seeded
// Fisher–Yates). Kept so those call sites need not change while they are
// edited elsewhere; new code calls `permutation` directly.
import { permutation } from "../../data/permutation.ts";

/** Reorders `values` in place with stream `stream` of `seed`; returns `values`. */
export function shuffleInPlace(values: Int32Array, seed: number, stream: number): Int32Array {
  values.set(permutation(values, { seed, stream }));
  return values;
}
