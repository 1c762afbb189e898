// Class encoding and small array helpers shared by the classifier-based metrics.

/** Integer labels mapped to class indices 0..K−1 (classes sorted ascending). */
export interface EncodedClasses {
  /** The distinct training labels, ascending; index k is class k. */
  readonly classes: Float64Array;
  /** Class index of every training row. */
  readonly yTrain: Int32Array;
  /** Class index of every test row, −1 where the label never occurs in training. */
  readonly yTest: Int32Array;
}

/**
 * Encodes training labels as class indices (and test labels with the same
 * map). Throws a RangeError naming `what` when the training labels take fewer
 * than two values, since no classifier can be fitted then.
 */
export function encodeClasses(
  train: ArrayLike<number>,
  test: ArrayLike<number>,
  what: string,
  action: string,
): EncodedClasses {
  const sorted = Float64Array.from(train).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  }
  if (distinct.length < 2) {
    throw new RangeError(
      `Cannot ${action}: ${what} takes the single value ${
        distinct[0]
      } in the training split; a classifier needs at least 2 classes`,
    );
  }
  const index = new Map<number, number>();
  distinct.forEach((v, k) => index.set(v, k));
  const yTrain = new Int32Array(train.length);
  for (let i = 0; i < train.length; i++) yTrain[i] = index.get(train[i])!;
  const yTest = new Int32Array(test.length);
  for (let i = 0; i < test.length; i++) yTest[i] = index.get(test[i]) ?? -1;
  return { classes: Float64Array.from(distinct), yTrain, yTest };
}

/** Copies columns `cols[j][i]` into one row-major `n × d` array. */
export function toRowMajor(cols: readonly Float64Array[], n: number): Float64Array {
  const d = cols.length;
  const out = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const c = cols[j];
    for (let i = 0; i < n; i++) out[i * d + j] = c[i];
  }
  return out;
}

/** Fraction of positions where `predicted[i] === actual[i]`. */
export function accuracy(predicted: Int32Array, actual: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) hits++;
  return hits / actual.length;
}

/** Index of the largest of `values[offset .. offset+count)`, the first one on ties. */
export function argmax(values: ArrayLike<number>, offset = 0, count = values.length): number {
  let best = 0;
  let bestValue = values[offset];
  for (let k = 1; k < count; k++) {
    if (values[offset + k] > bestValue) {
      bestValue = values[offset + k];
      best = k;
    }
  }
  return best;
}
