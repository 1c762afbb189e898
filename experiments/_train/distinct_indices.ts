/**
 * The distinct entries of sorted indices. A training split smaller than one
 * step is trained on with each example repeated (set_up_run.ts: the repeated
 * list is the data set the minibatches and the estimators see); the final
 * metrics score the distinct examples, or one example could fall in both
 * halves of a metric's train/test split.
 */
export function distinctIndices(sorted: Int32Array): Int32Array {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) n++;
  if (n === sorted.length) return sorted;
  const out = new Int32Array(n);
  for (let i = 0, j = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) out[j++] = sorted[i];
  }
  return out;
}
