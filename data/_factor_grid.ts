// Private helpers shared by the factor-grid data sets: index ↔ factors in
// row-major (last factor fastest) order, argument checks, sampling.
import type { Rng } from "./ground_truth_data.ts";

/** `n` evenly spaced values from `start` to `stop` inclusive, as numpy's linspace. */
export function linspace(start: number, stop: number, n: number): number[] {
  if (n === 1) return [start];
  const step = (stop - start) / (n - 1);
  const out = Array.from({ length: n }, (_, i) => start + i * step);
  out[n - 1] = stop;
  return out;
}

/** Product of the sizes. */
export function gridSize(sizes: readonly number[]): number {
  return sizes.reduce((p, s) => p * s, 1);
}

/** Checks every entry is an integer index in 0..size−1. */
export function checkIndices(indices: ArrayLike<number>, size: number, action: string): void {
  if (indices === null || typeof indices !== "object" || typeof indices.length !== "number") {
    throw new TypeError(
      `Cannot ${action}: indices must be an array of integers, got ${String(indices)}`,
    );
  }
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i];
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new TypeError(`Cannot ${action}: indices[${i}] must be an integer, got ${String(v)}`);
    }
    if (v < 0 || v >= size) {
      throw new RangeError(`Cannot ${action}: indices[${i}] = ${v} is outside 0..${size - 1}`);
    }
  }
}

/** The factor classes of linear index `index` (last factor fastest). */
export function factorsOfIndex(sizes: readonly number[], index: number): number[] {
  const out = new Array<number>(sizes.length);
  let rest = index;
  for (let k = sizes.length - 1; k >= 0; k--) {
    out[k] = rest % sizes[k];
    rest = (rest - out[k]) / sizes[k];
  }
  return out;
}

/** The linear index of one factor vector, checked against the names and sizes. */
export function indexOfFactorVector(
  sizes: readonly number[],
  names: readonly string[],
  f: ArrayLike<number>,
  row: number,
  action: string,
): number {
  if (f === null || typeof f !== "object" || f.length !== sizes.length) {
    throw new TypeError(
      `Cannot ${action}: factors[${row}] must hold ${sizes.length} factors (${
        names.join(", ")
      }), got ${f === null || typeof f !== "object" ? String(f) : `length ${f.length}`}`,
    );
  }
  let index = 0;
  for (let k = 0; k < sizes.length; k++) {
    const v = f[k];
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new TypeError(
        `Cannot ${action}: factors[${row}][${k}] (${names[k]}) must be an integer, got ${
          String(v)
        }`,
      );
    }
    if (v < 0 || v >= sizes[k]) {
      throw new RangeError(
        `Cannot ${action}: factors[${row}][${k}] (${names[k]}) = ${v} is outside 0..${
          sizes[k] - 1
        }`,
      );
    }
    index = index * sizes[k] + v;
  }
  return index;
}

/** Checks `factors` is an array of factor vectors. */
export function checkFactorList(
  factors: ReadonlyArray<ArrayLike<number>>,
  action: string,
): void {
  if (!Array.isArray(factors)) {
    throw new TypeError(
      `Cannot ${action}: factors must be an array of factor vectors, got ${String(factors)}`,
    );
  }
}

/** Checks the `n, rng` arguments of `sampleFactors`. */
export function checkSampleArgs(n: number, rng: Rng, action: string): void {
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new TypeError(`Cannot ${action}: n must be an integer, got ${String(n)}`);
  }
  if (n < 0) throw new RangeError(`Cannot ${action}: n must be ≥ 0, got ${n}`);
  if (typeof rng !== "function") {
    throw new TypeError(`Cannot ${action}: rng must be a function returning [0, 1), got ${rng}`);
  }
}

/** A uniform integer in 0..n−1 from `rng`, checking the draw is in [0, 1). */
export function drawInt(rng: Rng, n: number, action: string): number {
  const u = rng();
  if (!(u >= 0 && u < 1)) {
    throw new RangeError(`Cannot ${action}: rng() returned ${u}, not a number in [0, 1)`);
  }
  return Math.floor(u * n);
}

/** `n` factor vectors, each factor independently uniform (the full grid). */
export function sampleGridFactors(
  sizes: readonly number[],
  n: number,
  rng: Rng,
  action: string,
): number[][] {
  checkSampleArgs(n, rng, action);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(sizes.map((s) => drawInt(rng, s, action)));
  return out;
}
