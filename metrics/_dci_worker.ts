// The Worker of `dciAsync`: receives the codes once, then fits one factor per
// job message and posts its importances and accuracies back (or the error).
import { type DciCodes, type DciFactorJob, fitDciFactor } from "./_dci_parts.ts";

/** Messages from `dciAsync` to this Worker. */
export type DciWorkerRequest =
  | ({ readonly type: "codes" } & DciCodes)
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
let codes: DciCodes = { trainCols: [], testCols: [], trainOrders: [] };

scope.onmessage = ({ data }) => {
  if (data.type === "codes") {
    codes = data;
    return;
  }
  const { job } = data;
  try {
    const fit = fitDciFactor(codes, job);
    scope.postMessage({ type: "fit", k: job.k, ...fit });
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    scope.postMessage({ type: "error", k: job.k, name: error.name, message: error.message });
  }
};
