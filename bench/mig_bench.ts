// MIG and friends on the Locatello et al. (2019) evaluation size:
// N = 10 000 samples, D = 10 code dimensions, K = 5 factors, seeded random data.
// Run: deno bench bench/mig_bench.ts
import { histogramDiscretize } from "../metrics/histogram_discretize.ts";
import { mig } from "../metrics/mig.ts";
import { modularity } from "../metrics/modularity.ts";
import { irs } from "../metrics/irs.ts";
import { unsupervisedScores } from "../metrics/unsupervised_scores.ts";
import { posteriorMig } from "../metrics/posterior_mig.ts";
import { createRng } from "../data/create_rng.ts";

const N = 10_000, D = 10, K = 5;
const rng = createRng(2019);
const sizes = [3, 6, 40, 32, 32]; // dSprites' shape, scale, orientation, x, y
const factors = Array.from({ length: N }, () => sizes.map((s) => rng.int(s)));
// Five dimensions noisily encode one factor each, five are nuisance.
const codes = factors.map((f) =>
  Array.from({ length: D }, (_, j) => (j < K ? f[j] / sizes[j] : 0) + 0.1 * rng.normal())
);
const logVar = codes.map(() => Array.from({ length: D }, () => Math.log(0.01)));

Deno.bench("mig, N=10000 D=10 K=5, 20 bins", { baseline: true }, () => {
  mig(codes, factors);
});
Deno.bench("histogramDiscretize, N=10000 D=10, 20 bins", () => {
  histogramDiscretize(codes);
});
Deno.bench("modularity, N=10000 D=10 K=5", () => {
  modularity(codes, factors);
});
Deno.bench("irs, N=10000 D=10 K=5", () => {
  irs(codes, factors);
});
Deno.bench("unsupervisedScores, N=10000 D=10", () => {
  unsupervisedScores(codes);
});
Deno.bench("posteriorMig, N=10000 D=10 K=5, samples=2000", { n: 3, warmup: 1 }, () => {
  posteriorMig({ mean: codes, logVar }, factors, { samples: 2000 });
});
