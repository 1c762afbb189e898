// Equal-width histogram discretisation of one column, bit-for-bit as
// disentanglement_lib's `_histogram_discretize`:
//   np.digitize(x, np.histogram(x, bins)[1][:-1])
// numpy's edges are np.linspace(lo, hi, bins + 1), i.e. edge_i = i·step + lo with
// step = (hi − lo)/bins and the last edge exactly hi; a constant column first
// widens its range to [c − 0.5, c + 0.5]. digitize with increasing edges and
// right=false returns the number of edges ≤ x, so labels run 1..bins and the
// maximum falls in the last bin (its right edge was dropped).

/** numpy's histogram edges for `bins` equal-width bins over [lo, hi] (bins + 1 values). */
export function histogramEdges(lo: number, hi: number, bins: number): Float64Array {
  if (lo === hi) {
    lo = lo - 0.5;
    hi = hi + 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const delta = hi - lo;
  const step = delta / bins;
  for (let i = 0; i < bins; i++) {
    // numpy switches to (i / div) · delta when the step underflows to 0.
    edges[i] = (step === 0 ? (i / bins) * delta : i * step) + lo;
  }
  edges[bins] = hi;
  return edges;
}

/**
 * Discretises one column into labels 1..bins (numpy `digitize` against all
 * histogram edges but the last). Values must be finite; a column whose range
 * overflows float64 throws a RangeError naming `what` in an error of `action`.
 */
export function discretizeColumn(
  col: ArrayLike<number>,
  bins: number,
  out: Int32Array = new Int32Array(col.length),
  what = "a column",
  action = "discretise codes",
): Int32Array {
  const n = col.length;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(hi - lo)) {
    throw new RangeError(
      `Cannot ${action}: ${what} spans ${lo}..${hi}, a range too wide for float64 histogram bins`,
    );
  }
  const edges = histogramEdges(lo, hi, bins);
  const start = edges[0];
  const width = (edges[bins] - start) / bins;
  const last = bins - 1;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    // Guess the bin arithmetically, then correct it against the exact edges so
    // that values on (or within rounding of) an edge land where numpy puts them.
    let k = Math.floor((v - start) / width);
    if (!(k >= 0)) k = 0;
    else if (k > last) k = last;
    while (k < last && edges[k + 1] <= v) k++;
    while (k > 0 && edges[k] > v) k--;
    out[i] = k + 1;
  }
  return out;
}
