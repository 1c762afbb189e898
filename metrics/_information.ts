// Shared steps of the histogram-based information metrics (MIG, MIC,
// modularity, the mutual information matrix): discretise the codes, index the
// factors, and fill the [D][K] mutual information matrix from contingency counts.
import type { Columns } from "./_validate.ts";
import { type DenseLabels, denseLabels, entropyOf, mutualInfoOf } from "./_contingency.ts";
import { discretizeColumn } from "./_histogram.ts";

/** The [D][K] mutual information between discretised codes and factors, in nats. */
export interface CodeFactorInformation {
  /** `mi[j][k]` = I(code j; factor k). */
  readonly mi: number[][];
  /** Dense labels of each factor column. */
  readonly factorLabels: DenseLabels[];
  /** H(factor k) in nats. */
  readonly factorEntropy: number[];
  /** Dense labels of each discretised code column. */
  readonly codeLabels: DenseLabels[];
}

/** Discretises every code column into `bins` bins and returns I(code j; factor k). */
export function codeFactorInformation(
  codes: Columns,
  factors: Columns,
  bins: number,
  action: string,
): CodeFactorInformation {
  const scratch = new Int32Array(codes.n);
  const codeLabels = codes.cols.map((c, j) =>
    denseLabels(discretizeColumn(c, bins, scratch, `codes column ${j}`, action))
  );
  const factorLabels = factors.cols.map((c) => denseLabels(c));
  const mi = codeLabels.map((cl) => factorLabels.map((fl) => mutualInfoOf(cl, fl)));
  return { mi, factorLabels, factorEntropy: factorLabels.map(entropyOf), codeLabels };
}

/**
 * Throws a RangeError naming the first factor that takes a single value (so
 * H = 0 and a metric normalised by it is undefined).
 */
export function requireFactorEntropy(
  factorLabels: readonly DenseLabels[],
  factorEntropy: readonly number[],
  action: string,
  name = "factors",
  where = "",
): void {
  for (let k = 0; k < factorEntropy.length; k++) {
    if (factorEntropy[k] > 0) continue;
    const fl = factorLabels[k];
    throw new RangeError(
      `Cannot ${action}: factor ${k} (column ${k} of ${name}) takes the single value ` +
        `${fl.values[0]} in all ${fl.index.length}${where} rows, so its entropy is 0 and ` +
        `the score, normalised by it, is undefined; drop that factor`,
    );
  }
}
