// Contingency counting on labels (any finite numbers, compared by value) with typed arrays: the core of every
// discrete entropy and mutual information in metrics/. Labels are first mapped
// to dense indices 0..k−1 so that counts live in flat Int32Arrays.

/** Labels mapped to dense indices: `index[i]` ∈ [0, k), in order of first value. */
export interface DenseLabels {
  /** Dense index of each sample's label. */
  readonly index: Int32Array;
  /** Number of distinct labels. */
  readonly k: number;
  /** `values[c]` is the original label of dense index c (ascending). */
  readonly values: Float64Array;
}

/**
 * Maps labels (any finite numbers, categories compared by value; −0 equals 0)
 * to dense indices 0..k−1, ordered by label value. Uses a direct lookup table
 * when the labels are integers in a small range, a Map otherwise.
 */
export function denseLabels(labels: ArrayLike<number>): DenseLabels {
  const n = labels.length;
  const index = new Int32Array(n);
  let lo = Infinity, hi = -Infinity;
  let integers = true;
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (integers && !Number.isInteger(v)) integers = false;
  }
  if (n === 0) return { index, k: 0, values: new Float64Array(0) };
  const range = hi - lo + 1;
  if (integers && range <= 4 * n + 1024) {
    const table = new Int32Array(range);
    for (let i = 0; i < n; i++) table[labels[i] - lo] = 1;
    let k = 0;
    for (let r = 0; r < range; r++) if (table[r] !== 0) table[r] = ++k;
    const values = new Float64Array(k);
    for (let r = 0; r < range; r++) if (table[r] !== 0) values[table[r] - 1] = r + lo;
    for (let i = 0; i < n; i++) index[i] = table[labels[i] - lo] - 1;
    return { index, k, values };
  }
  const distinct = Array.from(new Set(Array.from(labels))).sort((a, b) => a - b);
  const map = new Map<number, number>();
  distinct.forEach((v, c) => map.set(v, c));
  for (let i = 0; i < n; i++) index[i] = map.get(labels[i]) as number;
  return { index, k: distinct.length, values: Float64Array.from(distinct) };
}

/** Counts of each dense index. */
export function labelCounts(labels: DenseLabels): Float64Array {
  const counts = new Float64Array(labels.k);
  const idx = labels.index;
  for (let i = 0; i < idx.length; i++) counts[idx[i]]++;
  return counts;
}

/**
 * Entropy in nats of the empirical distribution of the labels:
 * H = −Σ_c (n_c/N) log(n_c/N). A single distinct label gives exactly 0.
 */
export function entropyOf(labels: DenseLabels): number {
  const n = labels.index.length;
  if (labels.k <= 1) return 0;
  const counts = labelCounts(labels);
  let s = 0;
  for (let c = 0; c < counts.length; c++) {
    const m = counts[c];
    if (m > 0) s += m * Math.log(n / m);
  }
  return s / n;
}

// Above this many cells the contingency table is kept in a Map.
const MAX_DENSE_CELLS = 1 << 22;

/**
 * Mutual information in nats between two labelings of the same N samples,
 * from their contingency counts n_ab (as scikit-learn's mutual_info_score):
 * I = Σ_ab (n_ab/N) log(n_ab·N / (n_a·n_b)), clipped below at 0. If either
 * labeling has a single distinct label the result is exactly 0. A cell whose
 * counts factorise exactly (n_ab·N = n_a·n_b) contributes exactly 0.
 */
export function mutualInfoOf(a: DenseLabels, b: DenseLabels): number {
  const n = a.index.length;
  if (a.k <= 1 || b.k <= 1) return 0;
  const ca = labelCounts(a);
  const cb = labelCounts(b);
  const ia = a.index, ib = b.index, kb = b.k;
  let s = 0;
  if (a.k * kb <= MAX_DENSE_CELLS) {
    const table = new Int32Array(a.k * kb);
    for (let i = 0; i < n; i++) table[ia[i] * kb + ib[i]]++;
    for (let x = 0; x < a.k; x++) {
      const row = x * kb;
      const nx = ca[x];
      for (let y = 0; y < kb; y++) {
        const m = table[row + y];
        if (m > 0) s += m * Math.log((m * n) / (nx * cb[y]));
      }
    }
  } else {
    const table = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const key = ia[i] * kb + ib[i];
      table.set(key, (table.get(key) ?? 0) + 1);
    }
    for (const [key, m] of table) {
      const x = Math.floor(key / kb), y = key - x * kb;
      s += m * Math.log((m * n) / (ca[x] * cb[y]));
    }
  }
  const mi = s / n;
  return mi > 0 ? mi : 0;
}
