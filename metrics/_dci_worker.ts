// The Worker of `dciAsync`: receives the codes once, then fits one factor per
// job message and posts its importances and accuracies back (or the error).
import { type DciFactorJob, fitDciFactor } from "./_dci_parts.ts";

/** Messages from `dciAsync` to this Worker. */
export type DciWorkerRequest =
  | {
    readonly type: "codes";
    readonly trainCols: Float64Array[];
    readonly testCols: Float64Array[];
  }
  | { readonly type: "job"; readonly job: DciFactorJob };

/** Messages from this Worker back to `dciAsync`. */
export type DciWorkerReply =
  | {
    readonly type: "fit";
    readonly k: number;
    readonly importances: Float64Array;
    readonly trainAccuracy: number;
    readonly testAccuracy: number;
  }
  | { readonly type: "error"; readonly k: number; readonly name: string; readonly message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<DciWorkerRequest>) => void) | null;
  postMessage(message: DciWorkerReply): void;
}

const scope = globalThis as unknown as WorkerScope;
let trainCols: Float64Array[] = [];
let testCols: Float64Array[] = [];

scope.onmessage = ({ data }) => {
  if (data.type === "codes") {
    trainCols = data.trainCols;
    testCols = data.testCols;
    return;
  }
  const { job } = data;
  try {
    const fit = fitDciFactor(trainCols, testCols, job);
    scope.postMessage({ type: "fit", k: job.k, ...fit });
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    scope.postMessage({ type: "error", k: job.k, name: error.name, message: error.message });
  }
};
