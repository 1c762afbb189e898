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
// n × d sorted rows. The scans and partitions run as WebAssembly where it can
// be compiled (_tree_kernels.ts; the same numbers as the JavaScript forms).
import { argmax } from "./_classes.ts";
import { metricRng } from "./_rng.ts";
import { FEATURE_THRESHOLD, ROW, treeKernels } from "./_tree_kernels.ts";

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
  /**
   * The features' tagged sorted orders from {@link presortFeatures}, when
   * several fits share the features (computed here otherwise).
   */
  presorted?: readonly Int32Array[];
  /**
   * Whether the scans and partitions may run as WebAssembly (the same trees
   * to the last bit; false forces the JavaScript forms, which the tests compare).
   */
  wasm?: boolean;
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
 * Marks the rows of the split node `node` going left and moves them to their
 * children. `rows` is the node's segment [st, en) sorted by the split feature,
 * whose rows left of the threshold are exactly [st, pos).
 */
function route(
  rows: Int32Array,
  st: number,
  pos: number,
  en: number,
  node: number,
  goLeft: Uint8Array,
  nodeOf: Int32Array,
): void {
  for (let p = st; p < pos; p++) {
    const i = rows[p] & ROW;
    goLeft[i] = 1;
    nodeOf[i] = 2 * node + 1;
  }
  for (let p = pos; p < en; p++) {
    const i = rows[p] & ROW;
    goLeft[i] = 0;
    nodeOf[i] = 2 * node + 2;
  }
}

/** Sum and sum of squares of the residuals of the tagged rows in [st, en). */
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
    const r = residual[rows[p] & ROW];
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
 * Every feature's rows 0..n−1 sorted by value (ties in row order), tagged:
 * bit 31 (~ROW) set on every row whose value lies within FEATURE_THRESHOLD
 * of a neighbour's in that order.
 */
export function presortFeatures(cols: readonly Float64Array[], n: number): Int32Array[] {
  return cols.map((col) => {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => col[a] - col[b]);
    for (let p = 0; p + 1 < n; p++) {
      if (col[order[p + 1] & ROW] <= col[order[p] & ROW] + FEATURE_THRESHOLD) {
        order[p] |= ~ROW;
        order[p + 1] |= ~ROW;
      }
    }
    return order;
  });
}

/**
 * Fits gradient-boosted trees to features given by columns (`cols[j][i]` is
 * row i, feature j) and class indices `y` in 0..nClasses−1 (nClasses ≥ 2).
 */
export function fitGradientBoosting(
  cols: readonly Float64Array[],
  y: Int32Array,
  nClasses: number,
  {
    nEstimators = 100,
    maxDepth = 3,
    learningRate = 0.1,
    seed = 0,
    wasm = true,
    presorted,
  }: GradientBoostingOptions = {},
): GradientBoostingModel {
  const n = y.length;
  const d = cols.length;
  const k = nClasses;
  const perStage = k === 2 ? 1 : k;
  const rng = metricRng(seed);

  // The arrays the scans and partitions read live in the kernels' memory:
  // a copy of the features, the presorted orders and two buffers of them,
  // the residuals, the routing bytes, scratch.
  const padded = (size: number) => Math.ceil(size / 8) * 8;
  const arrayBytes = (d + 1) * padded(n * 8) + (3 * d + 1) * padded(n * 4) + padded(n) + 32;
  const kernels = treeKernels(arrayBytes, wasm);
  const features = cols.map((col) => {
    const copy = kernels.f64(n);
    copy.set(col.subarray(0, n));
    return copy;
  });

  // Every feature sorted once per fit (or once for several), rows tagged with near-ties.
  const sorted = presorted ?? presortFeatures(cols, n);
  const orders = sorted.map((order) => {
    const copy = kernels.i32(n);
    copy.set(order.subarray(0, n));
    return copy;
  });

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

  // Work arrays. At every depth the rows of feature j are sorted by value
  // within each node, and a node's rows are the same segment [segStart,
  // segEnd) of every feature, so its thresholds are scanned sequentially. The
  // root reads the presorted orders; each depth partitions its split nodes
  // into the other of two buffers.
  const prob = new Float64Array(n * perStage);
  const residual = kernels.f64(n);
  const nodeOf = new Int32Array(n);
  const goLeft = kernels.u8(n);
  const buffers = [0, 1].map(() => orders.map(() => kernels.i32(n)));
  const tmp = kernels.i32(n);
  const segStart = new Int32Array(maxNodes);
  const segEnd = new Int32Array(maxNodes);
  const rank = new Int32Array(d);
  const scratch = kernels.f64(4);
  const candidates = new Int32Array(d);
  const featProxy = new Float64Array(d);
  const featPos = new Int32Array(d);
  const leafNum = new Float64Array(maxNodes);
  const leafDen = new Float64Array(maxNodes);
  const factor = k === 2 ? 1 : (k - 1) / k;

  /**
   * Grows the split of node `a` from the sorted rows `idx` of its depth into
   * `to` when given, or leaves it a leaf; returns whether it split.
   */
  const splitNode = (
    a: number,
    tOff: number,
    idx: Int32Array[],
    to: Int32Array[] | null,
  ): boolean => {
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
    // Scan the features that are not constant in this node, two at a time.
    let nc = 0;
    for (let j = 0; j < d; j++) {
      const rows = idx[j];
      const col = cols[j];
      if (col[rows[en - 1] & ROW] > col[rows[st] & ROW] + FEATURE_THRESHOLD) candidates[nc++] = j;
    }
    let c = 0;
    for (; c + 1 < nc; c += 2) {
      const ja = candidates[c];
      const jb = candidates[c + 1];
      kernels.scanPair(
        idx[ja],
        features[ja],
        idx[jb],
        features[jb],
        residual,
        st,
        en,
        total,
        scratch,
      );
      featProxy[ja] = scratch[0];
      featPos[ja] = scratch[1];
      featProxy[jb] = scratch[2];
      featPos[jb] = scratch[3];
    }
    if (c < nc) {
      const j = candidates[c];
      featPos[j] = kernels.scan(idx[j], features[j], residual, st, en, total, scratch);
      featProxy[j] = scratch[0];
    }
    let best = -Infinity;
    let bestF = -1;
    for (let c = 0; c < nc; c++) {
      const j = candidates[c];
      if (featPos[j] < 0) continue;
      const proxy = featProxy[j];
      if (proxy > best || (proxy === best && rank[j] < rank[bestF])) {
        best = proxy;
        bestF = j;
      }
    }
    if (bestF < 0) return false;
    const pos = featPos[bestF];
    const lo = cols[bestF][idx[bestF][pos - 1] & ROW];
    const hi = cols[bestF][idx[bestF][pos] & ROW];
    let thr = (lo + hi) / 2;
    if (thr >= hi || !Number.isFinite(thr)) thr = lo;
    treeFeature[tOff + a] = bestF;
    treeThreshold[tOff + a] = thr;
    // Squared-error decrease n·MSE − n_L·MSE_L − n_R·MSE_R equals proxy / n.
    treeImportance[bestF] += best / m;
    route(idx[bestF], st, pos, en, a, goLeft, nodeOf);
    const mid = pos;
    if (to !== null) {
      for (let j = 0; j < d; j++) kernels.partition(idx[j], to[j], st, en, goLeft, tmp);
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
      segStart[0] = 0;
      segEnd[0] = n;
      let splits = 0;
      let frontier = [0];
      let idx: Int32Array[] = orders;
      for (let level = 0; level < maxDepth && frontier.length > 0; level++) {
        const next: number[] = [];
        const deeper = level + 1 < maxDepth;
        const to = buffers[level % 2];
        for (const a of frontier) {
          if (!splitNode(a, tOff, idx, deeper ? to : null)) continue;
          splits++;
          if (deeper) next.push(2 * a + 1, 2 * a + 2);
        }
        frontier = next;
        idx = to;
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

  completeTrees(treeFeature, treeThreshold, treeValue, nTrees, maxDepth);
  const decide = (scores: Float64Array, i: number): number =>
    k === 2 ? (scores[i] > 0 ? 1 : 0) : argmax(scores, i * k, k);
  const predictRaw = (xs: readonly Float64Array[]): Float64Array => {
    const m = xs[0].length;
    // One flat column-major copy: a node reads x[f·m + i] with no lookup of column f.
    const flat = new Float64Array(d * m);
    for (let j = 0; j < d; j++) flat.set(xs[j].subarray(0, m), j * m);
    const scores = new Float64Array(m * perStage);
    for (let i = 0; i < m; i++) scores.set(init, i * perStage);
    for (let t = 0; t < nTrees; t++) {
      const off = t * maxNodes;
      addTree(
        flat,
        m,
        treeFeature,
        treeThreshold,
        treeValue,
        off,
        maxDepth,
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

/**
 * Makes every tree full to depth `maxDepth`, in place, so that prediction
 * takes the same number of comparisons for every row and needs no test for a
 * leaf: a leaf above the last depth becomes a node that sends every row left
 * (feature 0, threshold +∞) and hands its value down to its left child. A
 * row reaches the same value as before.
 */
function completeTrees(
  feature: Int32Array,
  threshold: Float64Array,
  value: Float64Array,
  nTrees: number,
  maxDepth: number,
): void {
  const maxNodes = 2 ** (maxDepth + 1) - 1;
  const internal = 2 ** maxDepth - 1;
  for (let t = 0; t < nTrees; t++) {
    const off = t * maxNodes;
    for (let a = 0; a < internal; a++) {
      if (feature[off + a] >= 0) continue;
      feature[off + a] = 0;
      threshold[off + a] = Infinity;
      value[off + 2 * a + 1] = value[off + a];
    }
  }
}

/**
 * scores[i·m + out] += rate · (value of the leaf row i reaches in the full
 * tree at `offset`), for the `rows` rows of the column-major features `x`.
 */
function addTree(
  x: Float64Array,
  rows: number,
  feature: Int32Array,
  threshold: Float64Array,
  value: Float64Array,
  offset: number,
  depth: number,
  rate: number,
  scores: Float64Array,
  m: number,
  out: number,
): void {
  // Two rows at a time: each walk is a chain of dependent loads, and two
  // independent chains overlap. The side is computed, not branched on (a
  // comparison of unrelated values mispredicts about every other time).
  let i = 0;
  for (; i + 1 < rows; i += 2) {
    let a = 0;
    let b = 0;
    for (let level = 0; level < depth; level++) {
      a = 2 * a + 2 - +(x[feature[offset + a] * rows + i] <= threshold[offset + a]);
      b = 2 * b + 2 - +(x[feature[offset + b] * rows + i + 1] <= threshold[offset + b]);
    }
    scores[i * m + out] += rate * value[offset + a];
    scores[(i + 1) * m + out] += rate * value[offset + b];
  }
  if (i < rows) {
    let a = 0;
    for (let level = 0; level < depth; level++) {
      a = 2 * a + 2 - +(x[feature[offset + a] * rows + i] <= threshold[offset + a]);
    }
    scores[i * m + out] += rate * value[offset + a];
  }
}
