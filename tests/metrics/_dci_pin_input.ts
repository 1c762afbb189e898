// The seeded input of the DCI pinning test, shared by dci_test.ts and
// dci_async_test.ts so both pin the same splits.
import { metricRng } from "../../metrics/_rng.ts";
import type { CodesAndFactors } from "../../metrics/sap.ts";

/**
 * The seeded input of the DCI pinning test (dci_test.ts): repeated values,
 * exact ties between two codes, a constant code, factors of 2 to 5 values.
 */
export function pinSplit(n: number, seed: number): CodesAndFactors {
  const rng = metricRng(seed);
  const sizes = [2, 3, 5, 4];
  const factors = Array.from({ length: n }, () => sizes.map((s) => rng.int(s)));
  const codes = factors.map((f) => {
    const rounded = Math.round((f[1] + 0.7 * rng.normal()) * 10) / 10;
    return [
      f[0] + rng.normal(),
      rounded,
      rounded,
      f[2] + 0.5 * f[3] + 0.3 * rng.normal(),
      rng.normal(),
      1.5,
    ];
  });
  return { codes, factors };
}
