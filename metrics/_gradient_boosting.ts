// The library's own gradient-boosted trees, as scikit-learn's
// `GradientBoostingClassifier()` defaults that disentanglement_lib's DCI uses:
// log-loss, 100 stages, learning rate 0.1, regression trees of depth 3 with
// min_samples_split = 2, min_samples_leaf = 1, no subsampling, all features.
//
// - Start: raw scores log(prior_k) (K ≥ 3) or the prior log-odds (K = 2).
// - Each stage fits one tree per class (one tree in total for K = 2) to the
//   negative gradient 1[y = k] − p_k, where p is the softmax (sigmoid) of the
//   raw scores at the start of the stage.
// - Splits: exact search over every threshold midway between consecutive
//   distinct values (values closer than 1e-7 count as equal), maximising
//   Friedman's improvement n_L·n_R·(mean_L − mean_R)²; a node is not split if
//   it has fewer than 2 rows or its mean squared error is ≤ machine ε. Rows with
//   x ≤ threshold go left. Ties between features are broken by a random feature
//   order per node drawn from `seed` (as scikit-learn's random_state): this is
//   the only use of randomness.
// - Leaves: one Newton step, ((K−1)/K)·Σ(y − p)/Σ p(1 − p) (K ≥ 3) or
//   Σ(y − p)/Σ p(1 − p) (K = 2), 0 when the denominator is below 1e-150.
// - Feature importances: per tree the decrease of the squared error
//   Σ over split nodes of n·MSE − n_L·MSE_L − n_R·MSE_R, summed over the trees
//   that split at least once, then normalised to sum 1 (all zeros if no tree
//   ever split), as scikit-learn's impurity-based `feature_importances_`.
//
// - Features are used in double precision (scikit-learn's trees cast them to
//   float32, which merges values closer than float32 resolution; it only
//   matters for such near-ties).
//
// Speed: every feature is sorted once per fit. Each tree starts from those
// orders and keeps, for every feature, its rows sorted within each node (a
// stable partition after every split), so a node's thresholds are scanned
// sequentially: a depth-3 tree costs about 3 scans and 2 partitions of the
// n × d sorted rows (≈ 2 ms at n = 10 000, d = 10).
import { argmax } from "./_classes.ts";
import { metricRng } from "./_rng.ts";

/** Hyperparameters of {@link fitGradientBoosting}. */
export interface GradientBoostingOptions {
  /** Number of boosting stages. */
  nEstimators?: number;
  /** Depth of every regression tree. */
  maxDepth?: number;
  /** Shrinkage applied to every tree's output. */
  learningRate?: number;
  /** Seed of the per-node feature order that breaks exact ties between features. */
  seed?: number;
}

/** A fitted gradient-boosting classifier. */
export interface GradientBoostingModel {
  /** Number of classes K. */
  readonly nClasses: number;
  /** Number of features d. */
  readonly nFeatures: number;
  /** Impurity-based feature importances, summing to 1 (or all 0: no split ever made). */
  readonly importances: Float64Array;
  /** Predicted class index of every training row. */
  readonly trainPredictions: Int32Array;
  /**
   * Raw scores (log-odds of class 1 for K = 2, else one score per class,
   * row-major `n × K`) of every row of column-major inputs `cols[j][i]`.
   */
  predictRaw(cols: readonly Float64Array[]): Float64Array;
  /** Predicted class index of every row of column-major inputs `cols[j][i]`. */
  predict(cols: readonly Float64Array[]): Int32Array;
}

const FEATURE_THRESHOLD = 1e-7;

// The hot loops live in small module-level functions so that V8 optimises
// them (a long function called once would run its loops unoptimised).

/** In place: raw scores (n × m) → probabilities (softmax rows, or sigmoid if m = 1). */
function probabilities(raw: Float64Array, prob: Float64Array, n: number, m: number): void {
  if (m === 1) {
    for (let i = 0; i < n; i++) prob[i] = 1 / (1 + Math.exp(-raw[i]));
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = i * m;
    let max = -Infinity;
    for (let c = 0; c < m; c++) if (raw[o + c] > max) max = raw[o + c];
    let s = 0;
    for (let c = 0; c < m; c++) {
      const e = Math.exp(raw[o + c] - max);
      prob[o + c] = e;
      s += e;
    }
    for (let c = 0; c < m; c++) prob[o + c] /= s;
  }
}

/** residual[i] = 1[y_i = cls] − prob[i·m + out]. */
function residuals(
  y: Int32Array,
  prob: Float64Array,
  m: number,
  out: number,
  cls: number,
  residual: Float64Array,
): void {
  for (let i = 0; i < y.length; i++) residual[i] = (y[i] === cls ? 1 : 0) - prob[i * m + out];
}

/**
 * Best threshold of one feature within the segment [st, en) of its sorted
 * rows: writes [proxy, threshold] into `out` and returns whether a boundary
 * exists. `total` is the node's residual sum.
 */
function scanFeature(
  rows: Int32Array,
  vals: Float64Array,
  residual: Float64Array,
  st: number,
  en: number,
  total: number,
  out: Float64Array,
): boolean {
  const m = en - st;
  let best = -Infinity;
  let bestPos = -1;
  let sl = residual[rows[st]];
  let prev = vals[st];
  for (let p = st + 1; p < en; p++) {
    const v = vals[p];
    if (v > prev + FEATURE_THRESHOLD) {
      // n_R·s_L − n_L·s_R = m·s_L − n_L·total; proxy = diff² / (n_L·n_R),
      // compared without dividing (n_L·n_R > 0) and divided only on a win.
      const nL = p - st;
      const diff = m * sl - nL * total;
      const q = nL * (m - nL);
      if (diff * diff > best * q) {
        best = diff * diff / q;
        bestPos = p;
      }
    }
    prev = v;
    sl += residual[rows[p]];
  }
  if (bestPos < 0) return false;
  const lo = vals[bestPos - 1];
  const hi = vals[bestPos];
  let thr = (lo + hi) / 2;
  if (thr >= hi || !Number.isFinite(thr)) thr = lo;
  out[0] = best;
  out[1] = thr;
  return true;
}

/** Stable partition of [st, en): rows with goLeft first; returns the split point. */
function partition(
  rows: Int32Array,
  vals: Float64Array,
  st: number,
  en: number,
  goLeft: Uint8Array,
  tmpRows: Int32Array,
  tmpVals: Float64Array,
): number {
  let w = st;
  let r = 0;
  // Branch-free: every row is written to both places (w ≤ p, so nothing
  // unread is overwritten) and only the matching cursor advances.
  for (let p = st; p < en; p++) {
    const i = rows[p];
    const v = vals[p];
    const g = goLeft[i];
    rows[w] = i;
    vals[w] = v;
    tmpRows[r] = i;
    tmpVals[r] = v;
    w += g;
    r += 1 - g;
  }
  for (let q = 0; q < r; q++) {
    rows[w + q] = tmpRows[q];
    vals[w + q] = tmpVals[q];
  }
  return w;
}

/** Marks the rows of [st, en) going left (col ≤ thr) and moves them to their children. */
function route(
  rows: Int32Array,
  st: number,
  en: number,
  col: Float64Array,
  thr: number,
  node: number,
  goLeft: Uint8Array,
  nodeOf: Int32Array,
): void {
  for (let p = st; p < en; p++) {
    const i = rows[p];
    const left = col[i] <= thr;
    goLeft[i] = left ? 1 : 0;
    nodeOf[i] = left ? 2 * node + 1 : 2 * node + 2;
  }
}

/** Sum and sum of squares of the residuals of the rows in [st, en). */
function segmentMoments(
  rows: Int32Array,
  residual: Float64Array,
  st: number,
  en: number,
  out: Float64Array,
): void {
  let s = 0;
  let ss = 0;
  for (let p = st; p < en; p++) {
    const r = residual[rows[p]];
    s += r;
    ss += r * r;
  }
  out[0] = s;
  out[1] = ss;
}

/** Newton step per leaf, then raw[i·m + out] += rate · value(leaf of i). */
function updateLeaves(
  nodeOf: Int32Array,
  residual: Float64Array,
  prob: Float64Array,
  m: number,
  out: number,
  factor: number,
  rate: number,
  leafNum: Float64Array,
  leafDen: Float64Array,
  values: Float64Array,
  offset: number,
  raw: Float64Array,
): void {
  leafNum.fill(0);
  leafDen.fill(0);
  const n = nodeOf.length;
  for (let i = 0; i < n; i++) {
    const a = nodeOf[i];
    const p = prob[i * m + out];
    leafNum[a] += residual[i];
    leafDen[a] += p * (1 - p);
  }
  for (let a = 0; a < leafNum.length; a++) {
    if (leafDen[a] === 0 && leafNum[a] === 0) continue;
    values[offset + a] = Math.abs(leafDen[a]) < 1e-150 ? 0 : factor * leafNum[a] / leafDen[a];
  }
  for (let i = 0; i < n; i++) raw[i * m + out] += rate * values[offset + nodeOf[i]];
}

/**
 * Fits gradient-boosted trees to features given by columns (`cols[j][i]` is
 * row i, feature j) and class indices `y` in 0..nClasses−1 (nClasses ≥ 2).
 */
export function fitGradientBoosting(
  cols: readonly Float64Array[],
  y: Int32Array,
  nClasses: number,
  { nEstimators = 100, maxDepth = 3, learningRate = 0.1, seed = 0 }: GradientBoostingOptions = {},
): GradientBoostingModel {
  const n = y.length;
  const d = cols.length;
  const k = nClasses;
  const perStage = k === 2 ? 1 : k;
  const rng = metricRng(seed);

  // Presort every feature once.
  const orders: Int32Array[] = [];
  const sortedValues: Float64Array[] = [];
  for (let j = 0; j < d; j++) {
    const col = cols[j];
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => col[a] - col[b]);
    orders.push(order);
    sortedValues.push(Float64Array.from(order, (i) => col[i]));
  }

  // Initial raw scores from the class priors.
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[y[i]]++;
  const init = new Float64Array(perStage);
  if (k === 2) {
    const p1 = counts[1] / n;
    init[0] = Math.log(p1 / (1 - p1));
  } else {
    for (let c = 0; c < k; c++) init[c] = Math.log(Math.max(counts[c] / n, Number.EPSILON));
  }
  const raw = new Float64Array(n * perStage);
  for (let i = 0; i < n; i++) raw.set(init, i * perStage);

  // Tree storage in heap order: node a has children 2a+1 and 2a+2.
  const maxNodes = 2 ** (maxDepth + 1) - 1;
  const nTrees = nEstimators * perStage;
  const treeFeature = new Int32Array(nTrees * maxNodes).fill(-1);
  const treeThreshold = new Float64Array(nTrees * maxNodes);
  const treeValue = new Float64Array(nTrees * maxNodes);

  const importanceSum = new Float64Array(d);
  const treeImportance = new Float64Array(d);
  let splittingTrees = 0;

  // Work arrays. idx[j] and val[j] hold the rows of feature j sorted by value
  // within each node: the rows of a node are the segment [segStart, segEnd)
  // of every feature, so a node's thresholds are scanned sequentially.
  const prob = new Float64Array(n * perStage);
  const residual = new Float64Array(n);
  const nodeOf = new Int32Array(n);
  const goLeft = new Uint8Array(n);
  const idx = orders.map((o) => new Int32Array(o.length));
  const val = sortedValues.map((v) => new Float64Array(v.length));
  const tmpIdx = new Int32Array(n);
  const tmpVal = new Float64Array(n);
  const segStart = new Int32Array(maxNodes);
  const segEnd = new Int32Array(maxNodes);
  const rank = new Int32Array(d);
  const scratch = new Float64Array(2);
  const leafNum = new Float64Array(maxNodes);
  const leafDen = new Float64Array(maxNodes);
  const factor = k === 2 ? 1 : (k - 1) / k;

  /** Grows the split of node `a`, or leaves it a leaf; returns whether it split. */
  const splitNode = (a: number, tOff: number, partitionChildren: boolean): boolean => {
    const st = segStart[a];
    const en = segEnd[a];
    const m = en - st;
    if (m < 2) return false;
    segmentMoments(idx[0], residual, st, en, scratch);
    const total = scratch[0];
    const mean = total / m;
    if (scratch[1] / m - mean * mean <= Number.EPSILON) return false;
    // Random visiting order of the features for this node: among features with
    // exactly equal improvement the first visited wins (scikit-learn's rule).
    for (let j = 0; j < d; j++) rank[j] = j;
    for (let j = d - 1; j > 0; j--) {
      const r = rng.int(j + 1);
      const tmp = rank[j];
      rank[j] = rank[r];
      rank[r] = tmp;
    }
    let best = -Infinity;
    let bestF = -1;
    let bestThr = 0;
    for (let j = 0; j < d; j++) {
      const vals = val[j];
      if (vals[en - 1] <= vals[st] + FEATURE_THRESHOLD) continue; // constant in this node
      if (!scanFeature(idx[j], vals, residual, st, en, total, scratch)) continue;
      const proxy = scratch[0];
      if (proxy > best || (proxy === best && rank[j] < rank[bestF])) {
        best = proxy;
        bestF = j;
        bestThr = scratch[1];
      }
    }
    if (bestF < 0) return false;
    treeFeature[tOff + a] = bestF;
    treeThreshold[tOff + a] = bestThr;
    // Squared-error decrease n·MSE − n_L·MSE_L − n_R·MSE_R equals proxy / n.
    treeImportance[bestF] += best / m;
    route(idx[0], st, en, cols[bestF], bestThr, a, goLeft, nodeOf);
    let mid = st;
    if (partitionChildren) {
      for (let j = 0; j < d; j++) mid = partition(idx[j], val[j], st, en, goLeft, tmpIdx, tmpVal);
    }
    segStart[2 * a + 1] = st;
    segEnd[2 * a + 1] = mid;
    segStart[2 * a + 2] = mid;
    segEnd[2 * a + 2] = en;
    return true;
  };

  for (let stage = 0; stage < nEstimators; stage++) {
    probabilities(raw, prob, n, perStage);
    for (let out = 0; out < perStage; out++) {
      residuals(y, prob, perStage, out, k === 2 ? 1 : out, residual);
      const tOff = (stage * perStage + out) * maxNodes;
      nodeOf.fill(0);
      treeImportance.fill(0);
      for (let j = 0; j < d; j++) {
        idx[j].set(orders[j]);
        val[j].set(sortedValues[j]);
      }
      segStart[0] = 0;
      segEnd[0] = n;
      let splits = 0;
      let frontier = [0];
      for (let level = 0; level < maxDepth && frontier.length > 0; level++) {
        const next: number[] = [];
        const deeper = level + 1 < maxDepth;
        for (const a of frontier) {
          if (!splitNode(a, tOff, deeper)) continue;
          splits++;
          if (deeper) next.push(2 * a + 1, 2 * a + 2);
        }
        frontier = next;
      }
      if (splits > 0) {
        splittingTrees++;
        for (let j = 0; j < d; j++) importanceSum[j] += treeImportance[j];
      }
      updateLeaves(
        nodeOf,
        residual,
        prob,
        perStage,
        out,
        factor,
        learningRate,
        leafNum,
        leafDen,
        treeValue,
        tOff,
        raw,
      );
    }
  }

  const importances = new Float64Array(d);
  let total = 0;
  for (let j = 0; j < d; j++) total += importanceSum[j];
  if (splittingTrees > 0 && total > 0) {
    for (let j = 0; j < d; j++) importances[j] = importanceSum[j] / total;
  }

  const decide = (scores: Float64Array, i: number): number =>
    k === 2 ? (scores[i] > 0 ? 1 : 0) : argmax(scores, i * k, k);
  const predictRaw = (xs: readonly Float64Array[]): Float64Array => {
    const m = xs[0].length;
    const scores = new Float64Array(m * perStage);
    for (let i = 0; i < m; i++) scores.set(init, i * perStage);
    for (let t = 0; t < nTrees; t++) {
      const off = t * maxNodes;
      addTree(
        xs,
        treeFeature,
        treeThreshold,
        treeValue,
        off,
        learningRate,
        scores,
        perStage,
        t % perStage,
      );
    }
    return scores;
  };
  const trainPredictions = new Int32Array(n);
  for (let i = 0; i < n; i++) trainPredictions[i] = decide(raw, i);

  return {
    nClasses: k,
    nFeatures: d,
    importances,
    trainPredictions,
    predictRaw,
    predict: (xs: readonly Float64Array[]): Int32Array => {
      const scores = predictRaw(xs);
      const out = new Int32Array(xs[0].length);
      for (let i = 0; i < out.length; i++) out[i] = decide(scores, i);
      return out;
    },
  };
}

/** scores[i·m + out] += rate · (value of the leaf row i reaches in the tree at `offset`). */
function addTree(
  xs: readonly Float64Array[],
  feature: Int32Array,
  threshold: Float64Array,
  value: Float64Array,
  offset: number,
  rate: number,
  scores: Float64Array,
  m: number,
  out: number,
): void {
  const rows = xs[0].length;
  for (let i = 0; i < rows; i++) {
    let a = 0;
    let f = feature[offset];
    while (f >= 0) {
      a = xs[f][i] <= threshold[offset + a] ? 2 * a + 1 : 2 * a + 2;
      f = feature[offset + a];
    }
    scores[i * m + out] += rate * value[offset + a];
  }
}
