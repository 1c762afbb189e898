// UDR (Duan et al. 2020) and the Spearman correlation it compares latents with,
// against hand-worked values.
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { spearmanCorrelation, udr } from "../../metrics/mod.ts";

Deno.test("spearmanCorrelation: hand-worked ranks, ties and constant vectors", () => {
  // ρ = 1 − 6·Σd²/(n(n² − 1)) without ties: Σd² = 2, 4, 10 over n = 4.
  assertClose(spearmanCorrelation([1, 2, 3, 4], [1, 3, 2, 4]), 0.8, { atol: 1e-12 });
  assertClose(spearmanCorrelation([2, 1, 4, 3], [1, 2, 3, 4]), 0.6, { atol: 1e-12 });
  assertClose(spearmanCorrelation([2, 1, 4, 3], [1, 3, 2, 4]), 0, { atol: 1e-12 });
  assertClose(spearmanCorrelation([1, 2, 3], [30, 20, 10]), -1, { atol: 1e-12 });
  // Ties: [1, 1, 2] has ranks [1.5, 1.5, 3]; against [1, 2, 3] Pearson gives √3/2.
  assertClose(spearmanCorrelation([1, 1, 2], [1, 2, 3]), Math.sqrt(3) / 2, { atol: 1e-12 });
  assertClose(spearmanCorrelation([5, 5, 5], [1, 2, 3]), 0, { atol: 0 });
  assertThrowsWith(
    () => spearmanCorrelation([1, 2], [1, 2, 3]),
    RangeError,
    /Cannot compute the Spearman correlation: a has 2 values but b has 3/,
  );
  assertThrowsWith(
    () => spearmanCorrelation([1, NaN], [1, 2]),
    RangeError,
    /a\[1\] must be a finite number, got NaN/,
  );
});

// Model A: latents x = [1, 2, 3, 4], y = [2, 1, 4, 3]; model B: u = x, v = [1, 3, 2, 4].
// |Spearman|: R = [[ρ(x,u), ρ(x,v)], [ρ(y,u), ρ(y,v)]] = [[1, 0.8], [0.6, 0]].
// Columns: 1²/1.6 = 0.625 and 0.8²/0.8 = 0.8 (mean 0.7125); rows: 1²/1.8 = 5/9 and
// 0.6²/0.6 = 0.6 (mean 26/45). The pair's score is (0.7125 + 26/45)/2 = 0.645138…
const A = [[1, 2], [2, 1], [3, 4], [4, 3]];
const B = [[1, 1], [2, 3], [3, 2], [4, 4]];
const PAIR = (0.7125 + 26 / 45) / 2;

Deno.test("udr of a hand-worked pair", () => {
  const result = udr([A, B], [[1, 1], [1, 1]]);
  assertClose(result.scores, [PAIR, PAIR], { atol: 1e-12 });
  assertClose(result.pairwise[0][1]!, PAIR, { atol: 1e-12 });
  if (result.pairwise[0][0] !== null) throw new Error("the diagonal is not null");
  if (result.samples !== 4 || result.klThreshold !== 0.01 || result.correlation !== "spearman") {
    throw new Error(`settings: ${JSON.stringify(result)}`);
  }
});

Deno.test("udr is 1 for the same factors up to permutation, sign and monotone maps", () => {
  // x and y uncorrelated: Σd² = 1 + 9 + 0 + 9 + 1 = 20 = n(n² − 1)/6, so ρ(x, y) = 0.
  const a = [[1, 2], [2, 5], [3, 3], [4, 1], [5, 4]];
  const b = a.map(([x, y]) => [-y, x ** 3]);
  assertClose(udr([a, b], [[1, 1], [1, 1]]).scores, [1, 1], { atol: 1e-12 });
});

Deno.test("udr compares informative latents only (KL above the threshold)", () => {
  // A third latent of A with KL 0.001 is left out: the score is the pair's.
  const noisy = A.map((row, i) => [...row, [3, -1, 7, 0][i]]);
  assertClose(udr([noisy, B], [[1, 1, 0.001], [1, 1]]).scores, [PAIR, PAIR], { atol: 1e-12 });
  const counted = udr([noisy, B], [[1, 1, 0.5], [1, 1]]);
  if (Math.abs(counted.scores[0] - PAIR) < 1e-6) {
    throw new Error("the informative latent was ignored");
  }
  if (counted.informative[0].join() !== "0,1,2") throw new Error(`${counted.informative}`);
  // Only y of A informative: R = [[0.6, 0]]; column u: 0.6²/0.6, column v: 0 (all zero);
  // row y: 0.6²/0.6. Score ½·(0.3 + 0.6) = 0.45. With none informative: 0.
  assertClose(udr([A, B], [[0, 1], [1, 1]]).scores[0], 0.45, { atol: 1e-12 });
  assertClose(udr([A, B], [[0, 0], [1, 1]]).scores, [0, 0], { atol: 0 });
  // A higher threshold leaves x (KL 0.3) out.
  assertClose(udr([A, B], [[0.3, 1], [1, 1]], { klThreshold: 0.5 }).scores[0], 0.45, {
    atol: 1e-12,
  });
});

Deno.test("a model's udr is the median of its pairwise scores", () => {
  const c = [[4, 1], [3, 2], [2, 3], [1, 4]];
  const kl = [[1, 1], [1, 1], [1, 1]];
  const result = udr([A, B, c], kl);
  const p = (i: number, j: number) => udr([[A, B, c][i], [A, B, c][j]], [[1, 1], [1, 1]]).scores[0];
  assertClose(result.pairwise[0][2]!, p(0, 2), { atol: 1e-12 });
  assertClose(result.scores[0], (p(0, 1) + p(0, 2)) / 2, { atol: 1e-12 });
  assertClose(result.scores[2], (p(0, 2) + p(1, 2)) / 2, { atol: 1e-12 });
});

Deno.test("udr names bad input", () => {
  assertThrowsWith(
    () => udr([A], [[1, 1]]),
    RangeError,
    /Cannot compute the UDR: it needs at least 2 models, got 1/,
  );
  assertThrowsWith(
    () => udr([A, B.slice(0, 3)], [[1, 1], [1, 1]]),
    RangeError,
    /representations\[0\] has 4 rows but representations\[1\] has 3/,
  );
  assertThrowsWith(
    () => udr([A, B], [[1, 1], [1]]),
    RangeError,
    /klPerDimension\[1\] must hold 2 values \(one per latent\), got 1/,
  );
  assertThrowsWith(
    () => udr([A, B], [[1, 1]]),
    RangeError,
    /klPerDimension must hold one vector per model \(2\), got 1/,
  );
});
