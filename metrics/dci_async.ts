import {
  assembleDci,
  type DciFactorFit,
  type DciFactorJob,
  defaultDciWorkers,
  fitDciFactor,
  prepareDci,
} from "./_dci_parts.ts";
import type { DciWorkerReply, DciWorkerRequest } from "./_dci_worker.ts";
import { checkInteger } from "./_validate.ts";
import type { DciOptions, DciResult } from "./dci.ts";
import type { CodesAndFactors } from "./sap.ts";

/** Options of {@link dciAsync}: those of `dci` and the number of Workers. */
export interface DciAsyncOptions extends DciOptions {
  /**
   * Number of Workers the factors are spread over (each fits whole factors,
   * the costliest first; more Workers than factors are never started).
   * `onProgress` is called as each factor is done, in the order they finish.
   * The default is the fewest Workers, at least one per core, with which no
   * Worker holds more than its core's fair share K / cores of the factors:
   * 3 for K = 5 on 2 cores (2 + 2 + 1, which the two cores share out
   * evenly), K / cores when that is whole.
   * @default {the fewest W ≥ min(K, cores) with ⌈K / W⌉ ≤ K / cores}
   */
  workers?: number;
}

/** The Workers of one call: started, fed whole factors, terminated by the caller. */
function runOnWorkers(
  problem: ReturnType<typeof prepareDci>,
  pool: Worker[],
  onProgress: DciOptions["onProgress"],
): Promise<DciFactorFit[]> {
  const jobs = problem.jobs;
  // A factor's cost is its trees per stage (1 for two classes, else one per class).
  const cost = (job: DciFactorJob) => job.nClasses === 2 ? 1 : job.nClasses;
  const order = [...jobs].sort((a, b) => cost(b) - cost(a) || a.k - b.k);
  const fits: DciFactorFit[] = new Array(jobs.length);
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    const give = (worker: Worker) => {
      if (next < order.length) {
        worker.postMessage({ type: "job", job: order[next++] } satisfies DciWorkerRequest);
      }
    };
    for (const worker of pool) {
      worker.onmessage = ({ data }: MessageEvent<DciWorkerReply>) => {
        if (data.type === "error") {
          const Kind = data.name === "RangeError"
            ? RangeError
            : data.name === "TypeError"
            ? TypeError
            : Error;
          reject(new Kind(data.message));
          return;
        }
        const { importances, trainAccuracy, testAccuracy } = data;
        fits[data.k] = { importances, trainAccuracy, testAccuracy };
        done++;
        try {
          onProgress?.(done, jobs.length);
        } catch (e) {
          reject(e);
          return;
        }
        if (done === jobs.length) resolve(fits);
        else give(worker);
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        reject(new Error(`Cannot compute DCI: a Worker failed: ${event.message}`));
      };
      worker.onmessageerror = () => {
        reject(new Error("Cannot compute DCI: a Worker's reply could not be read"));
      };
      give(worker);
    }
  });
}

/**
 * {@link dci} with the factors spread over Workers: the same result, to the
 * last bit (every factor's boosted trees are fitted by the same code from the
 * same inputs and assembled in factor order), in about 1/W of the time on W
 * free cores when the factors cost alike. Inputs are checked before any
 * Worker starts, so bad input throws (rejects with) the same TypeError or
 * RangeError as `dci`; every Worker is terminated when the promise settles,
 * also on error. Where `Worker` does not exist the factors are fitted
 * in-process.
 *
 * The Workers load `./_dci_worker.ts` next to this module (Deno, or a browser
 * given TypeScript modules); they need no permissions beyond loading it.
 *
 * @example Four factors on two Workers give what `dci` gives
 * ```ts
 * import { dci, dciAsync } from "@disentangle/vae/metrics";
 * import assert from "node:assert/strict";
 *
 * const factors = Array.from({ length: 240 }, (_, i) => [i % 3, (i >> 2) % 4, i % 2, (i >> 3) % 5]);
 * const codes = factors.map((f, i) => [...f, Math.sin(i)]);
 * const split = { codes, factors };
 * const parallel = await dciAsync(split, split, { workers: 2, seed: 1 });
 * assert.deepEqual(parallel, dci(split, split, { seed: 1 }));
 * ```
 *
 * @param train Codes and factors (any finite numbers, categories) the trees are fitted on.
 * @param test Codes and factors (any finite numbers, categories) the test accuracy is measured on.
 * @param options See {@link DciAsyncOptions}.
 */
export async function dciAsync(
  train: CodesAndFactors,
  test: CodesAndFactors,
  options: DciAsyncOptions = {},
): Promise<DciResult> {
  const action = "compute DCI";
  const { seed = 0, onProgress, workers } = options;
  if (workers !== undefined) checkInteger(workers, "options.workers", action, 1);
  const problem = prepareDci(train, test, seed, action);
  const nFactors = problem.jobs.length;
  if (typeof Worker === "undefined") {
    const fits = problem.jobs.map((job) => {
      const fit = fitDciFactor(problem, job);
      onProgress?.(job.k + 1, nFactors);
      return fit;
    });
    return assembleDci(problem, fits);
  }
  const cores = Math.max(1, Math.floor(globalThis.navigator?.hardwareConcurrency ?? 1));
  const count = Math.min(nFactors, workers ?? defaultDciWorkers(nFactors, cores));
  const pool: Worker[] = [];
  try {
    const url = new URL("./_dci_worker.ts", import.meta.url).href;
    const codes: DciWorkerRequest = {
      type: "codes",
      trainCols: problem.trainCols,
      testCols: problem.testCols,
      trainOrders: problem.trainOrders,
    };
    for (let w = 0; w < count; w++) {
      const worker = new Worker(url, { type: "module" });
      pool.push(worker);
      worker.postMessage(codes);
    }
    return assembleDci(problem, await runOnWorkers(problem, pool, onProgress));
  } finally {
    for (const worker of pool) worker.terminate();
  }
}
