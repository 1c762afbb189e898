// Sampling factors from a GroundTruthData and encoding them in chunks, with
// the checks the sample-based scores (β-VAE, FactorVAE) share.
import type { GroundTruthData, Observations, Rng } from "../data/ground_truth_data.ts";
import { checkMatrix } from "./_validate.ts";

/** A representation: observations in, one code row per observation out. */
export type Represent = (
  observations: Observations,
) => ReadonlyArray<ArrayLike<number>> | Promise<ReadonlyArray<ArrayLike<number>>>;

/** Draws checked factors and encodes them. */
export interface Sampler {
  /** Number of factors K. */
  readonly nFactors: number;
  /** `n` factor rows from `data.sampleFactors`, checked and copied (safe to modify). */
  sample(n: number): number[][];
  /** Codes of the given factor rows as columns `[D][rows]`, in chunks of at most `chunkSize`. */
  encode(factors: number[][]): Promise<Float64Array[]>;
}

/** Checks `data` and `represent` and returns a sampler drawing from `rng`. */
export function makeSampler(
  data: unknown,
  represent: unknown,
  rng: Rng,
  chunkSize: number,
  action: string,
  minFactors: number,
): Sampler {
  if (data === null || typeof data !== "object") {
    throw new TypeError(
      `Cannot ${action}: data must be a GroundTruthData object, got ${
        data === null ? "null" : typeof data
      }`,
    );
  }
  const gt = data as GroundTruthData;
  const sizes = gt.factorSizes as unknown;
  if (!Array.isArray(sizes)) {
    throw new TypeError(`Cannot ${action}: data.factorSizes must be an array of integers`);
  }
  if (sizes.length < minFactors) {
    throw new RangeError(
      `Cannot ${action}: data needs at least ${minFactors} factors, got ${sizes.length} (data.factorSizes = [${
        sizes.join(", ")
      }])`,
    );
  }
  sizes.forEach((s: unknown, k: number) => {
    if (typeof s !== "number" || !Number.isInteger(s) || s < 1) {
      throw new RangeError(
        `Cannot ${action}: data.factorSizes[${k}] must be a positive integer, got ${String(s)}`,
      );
    }
  });
  if (typeof gt.sampleFactors !== "function") {
    throw new TypeError(`Cannot ${action}: data.sampleFactors must be a function`);
  }
  if (typeof gt.observationsFromFactors !== "function") {
    throw new TypeError(`Cannot ${action}: data.observationsFromFactors must be a function`);
  }
  if (typeof represent !== "function") {
    throw new TypeError(
      `Cannot ${action}: represent must be a function from observations to codes, got ${typeof represent}`,
    );
  }
  const encodeFn = represent as Represent;
  const k = sizes.length;
  let dim = -1;

  const sample = (n: number): number[][] => {
    const rows = gt.sampleFactors(n, rng) as unknown;
    if (!Array.isArray(rows) || rows.length !== n) {
      throw new TypeError(
        `Cannot ${action}: data.sampleFactors(${n}) must return ${n} rows, got ${
          Array.isArray(rows) ? `${rows.length} rows` : typeof rows
        }`,
      );
    }
    return rows.map((row: ArrayLike<number>, i: number) => {
      if (row === null || typeof row !== "object" || row.length !== k) {
        throw new TypeError(
          `Cannot ${action}: data.sampleFactors row ${i} must hold ${k} factor values, got ${
            row === null || typeof row !== "object" ? String(row) : `${row.length} values`
          }`,
        );
      }
      const out = Array.from(row);
      out.forEach((v, j) => {
        if (!Number.isInteger(v) || v < 0 || v >= sizes[j]) {
          throw new RangeError(
            `Cannot ${action}: data.sampleFactors row ${i} has factor ${j} = ${v}, outside 0..${
              sizes[j] - 1
            }`,
          );
        }
      });
      return out;
    });
  };

  const encode = async (factors: number[][]): Promise<Float64Array[]> => {
    const total = factors.length;
    let cols: Float64Array[] = [];
    for (let start = 0; start < total; start += chunkSize) {
      const slice = factors.slice(start, start + chunkSize);
      const observations = await gt.observationsFromFactors(slice, rng);
      const codes = await encodeFn(observations) as unknown;
      if (
        codes === null || typeof codes !== "object" ||
        typeof (codes as ArrayLike<unknown>).length !== "number"
      ) {
        throw new TypeError(
          `Cannot ${action}: represent(observations) must return an array of code rows, got ${
            codes === null ? "null" : typeof codes
          }`,
        );
      }
      const got = (codes as ArrayLike<unknown>).length;
      if (got !== slice.length) {
        throw new TypeError(
          `Cannot ${action}: represent(observations) returned ${got} rows for ${slice.length} observations; expected ${slice.length}`,
        );
      }
      const m = checkMatrix(codes, "represent(observations)", action);
      if (dim < 0) {
        dim = m.d;
      } else if (m.d !== dim) {
        throw new TypeError(
          `Cannot ${action}: represent(observations) returned rows of ${m.d} values after rows of ${dim}; the code size must not change`,
        );
      }
      if (cols.length === 0) cols = Array.from({ length: dim }, () => new Float64Array(total));
      for (let j = 0; j < dim; j++) cols[j].set(m.cols[j], start);
    }
    return cols;
  };

  return { nFactors: k, sample, encode };
}
