// Area under the ROC curve, as scikit-learn's `roc_auc_score`: the
// Mann–Whitney statistic with tied scores counted one half.

/**
 * ROC-AUC of `scores` for the rows where `positive[i]` is true against the
 * others; NaN when either group is empty (callers decide what that means).
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let rankSum = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    // Ranks start+1 .. end share their mean.
    const meanRank = (start + 1 + end) / 2;
    for (let t = start; t < end; t++) {
      if (positive[order[t]]) {
        nPos++;
        rankSum += meanRank;
      }
    }
    start = end;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSum - nPos * (nPos + 1) / 2) / (nPos * nNeg);
}

/**
 * Macro-averaged one-vs-rest ROC-AUC of class probabilities `proba` (`n × K`,
 * row-major) for class indices `y` (−1: a label unknown to the classifier,
 * negative for every class). Classes without both positive and negative rows
 * are skipped; if none is left, a RangeError names the factor and split.
 */
export function rocAucOneVsRest(
  proba: Float64Array,
  y: Int32Array,
  nClasses: number,
  what: string,
  split: string,
  action: string,
): number {
  const n = y.length;
  const scores = new Float64Array(n);
  const positive = new Array<boolean>(n);
  let total = 0;
  let used = 0;
  for (let c = 0; c < nClasses; c++) {
    for (let i = 0; i < n; i++) {
      scores[i] = proba[i * nClasses + c];
      positive[i] = y[i] === c;
    }
    const auc = rocAuc(scores, positive);
    if (Number.isNaN(auc)) continue;
    total += auc;
    used++;
  }
  if (used === 0) {
    throw new RangeError(
      `Cannot ${action}: ${what} has no class with both positive and negative rows in the ${split} split, so its ROC-AUC is undefined`,
    );
  }
  return total / used;
}
