// Monte Carlo entropy of a one-dimensional Gaussian mixture with equal weights,
// the inner loop of the posterior MIG.

// Components whose log density is below the draw's own component's by more
// than this are skipped: together they change the log-sum by < M·e^−50.
const SKIP = 50;

/**
 * Components m = 0..size−1 have log density c[m] − (z − mu[m])²·a[m]
 * (a = 1/(2σ²), c = −½ log(2πσ²)); z[m] is a draw from component m. Returns
 * −(1/M) Σ_s log((1/M) Σ_m N(z[s]; mu[m], σ²[m])), the entropy of the mixture
 * estimated with one draw per component, the log-mean-exp taken stably.
 *
 * Components are sorted by mean so that, for each draw, only those within a
 * radius where they can matter are visited: with c_max = max c and
 * a_min = min a, a component at distance δ has log density at most
 * c_max − δ²·a_min, so any with δ² > (c_max − ℓ_own + SKIP)/a_min lies more than
 * SKIP below the draw's own component ℓ_own and is negligible (relative error
 * below M·e^−50 in the sum).
 */
export function mixtureEntropy(
  z: Float64Array,
  mu: Float64Array,
  a: Float64Array,
  c: Float64Array,
  size: number = z.length,
): number {
  const order = new Int32Array(size);
  for (let m = 0; m < size; m++) order[m] = m;
  order.sort((p, q) => mu[p] - mu[q]);
  const sm = new Float64Array(size), sa = new Float64Array(size), sc = new Float64Array(size);
  let aMin = Infinity, cMax = -Infinity;
  for (let t = 0; t < size; t++) {
    const m = order[t];
    sm[t] = mu[m];
    sa[t] = a[m];
    sc[t] = c[m];
    if (a[m] < aMin) aMin = a[m];
    if (c[m] > cMax) cMax = c[m];
  }
  let total = 0;
  for (let s = 0; s < size; s++) {
    const zs = z[s];
    const ds = zs - mu[s];
    const own = c[s] - ds * ds * a[s];
    const radius = Math.sqrt((cMax - own + SKIP) / aMin);
    // First sorted component with mean ≥ zs − radius.
    const left = zs - radius;
    let lo = 0, hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sm[mid] < left) lo = mid + 1;
      else hi = mid;
    }
    const right = zs + radius;
    let max = own, acc = 0;
    for (let t = lo; t < size && sm[t] <= right; t++) {
      const dz = zs - sm[t];
      const l = sc[t] - dz * dz * sa[t];
      if (l <= max) acc += Math.exp(l - max);
      else {
        acc = acc * Math.exp(max - l) + 1;
        max = l;
      }
    }
    total += max + Math.log(acc);
  }
  return Math.log(size) - total / size;
}
