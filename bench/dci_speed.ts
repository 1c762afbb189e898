// Seconds of DCI (100 stages of depth-3 boosted trees per factor) at the
// Locatello et al. (2019) evaluation size, in-process (`dci`) and on Workers
// (`dciAsync`): N = 10 000 training and 5 000 test rows, D = 10, K = 5 factors
// of 5 values each (2 500 trees), the seeded data of bench/dci_bench.ts.
// Prints the best and median of a few repeats, and checks that both forms
// give the same result. Run: deno task bench:dci [repeats]
import { dci } from "../metrics/dci.ts";
import { dciAsync } from "../metrics/dci_async.ts";
import { makeSplit } from "./_dci_input.ts";

const repeats = Number(Deno.args[0] ?? 3);

const five = [5, 5, 5, 5, 5];
const train = makeSplit(10_000, five, 2019);
const test = makeSplit(5_000, five, 2020);

async function seconds(fn: () => unknown): Promise<{ best: number; median: number }> {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { best: times[0], median: times[Math.floor(times.length / 2)] };
}

const reference = JSON.stringify(dci(train, test)); // also warms the code up
const cores = navigator.hardwareConcurrency;
console.log(`DCI, N=10000 (test 5000) D=10 K=5, 5 values per factor; ${cores} cores`);
const rows: [string, () => unknown][] = [
  ["dci (in-process)", () => dci(train, test)],
  ["dciAsync (default workers)", () => dciAsync(train, test)],
  ...[1, 2, 3, 5].map((w): [string, () => unknown] => [
    `dciAsync (workers: ${w})`,
    () => dciAsync(train, test, { workers: w }),
  ]),
];
for (const [name, fn] of rows) {
  const { best, median } = await seconds(fn);
  console.log(`${name.padEnd(34)} best ${best.toFixed(2)} s  median ${median.toFixed(2)} s`);
}
const same = JSON.stringify(await dciAsync(train, test)) === reference;
console.log(`dciAsync result equals dci's: ${same}`);
if (!same) Deno.exit(1);
