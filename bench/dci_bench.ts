// DCI (100 stages of depth-3 boosted trees per factor) on the Locatello et al.
// (2019) evaluation size: N = 10 000 training and 5 000 test rows, D = 10 code
// dimensions, K = 5 factors, seeded random data. A boosted model fits one tree
// per class and stage, so the cost grows with the number of factor values:
// 5 factors of 5 values fit 2 500 trees, dSprites' factor sizes 11 300.
// Run: deno bench bench/dci_bench.ts
import { dci } from "../metrics/dci.ts";
import { sap } from "../metrics/sap.ts";
import { explicitness } from "../metrics/explicitness.ts";
import { makeSplit } from "./_dci_input.ts";

const five = [5, 5, 5, 5, 5];
const dsprites = [3, 6, 40, 32, 32]; // shape, scale, orientation, x, y
const train5 = makeSplit(10_000, five, 2019);
const test5 = makeSplit(5_000, five, 2020);
const trainD = makeSplit(10_000, dsprites, 2019);
const testD = makeSplit(5_000, dsprites, 2020);

Deno.bench("dci, N=10000 D=10 K=5, 5 values per factor (2500 trees)", { n: 3, warmup: 1 }, () => {
  dci(train5, test5);
});
Deno.bench(
  "dci, N=10000 D=10 K=5, dSprites factor sizes (11300 trees)",
  { n: 1, warmup: 0 },
  () => {
    dci(trainD, testD);
  },
);
Deno.bench("sap, N=10000 D=10 K=5, dSprites factor sizes", { n: 3, warmup: 1 }, () => {
  sap(trainD, testD);
});
Deno.bench("explicitness, N=10000 D=10 K=5, dSprites factor sizes", { n: 3, warmup: 1 }, () => {
  explicitness(trainD, testD);
});
