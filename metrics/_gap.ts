// The gap step shared by the histogram and posterior MIG.

/** Per factor, (largest − second largest MI over codes) / H(factor). */
export function gapsOf(
  mi: readonly (readonly number[])[],
  factorEntropy: readonly number[],
): { perFactor: number[]; topCode: number[] } {
  const perFactor: number[] = [], topCode: number[] = [];
  for (let k = 0; k < factorEntropy.length; k++) {
    let best = -Infinity, second = -Infinity, arg = 0;
    for (let j = 0; j < mi.length; j++) {
      const v = mi[j][k];
      if (v > best) {
        second = best;
        best = v;
        arg = j;
      } else if (v > second) second = v;
    }
    perFactor.push((best - second) / factorEntropy[k]);
    topCode.push(arg);
  }
  return { perFactor, topCode };
}
