import assert from "node:assert/strict";
import { assertRejectsWith } from "../_helpers/assert.ts";
import { dci } from "../../metrics/dci.ts";
import { dciAsync } from "../../metrics/dci_async.ts";
import { defaultDciWorkers } from "../../metrics/_dci_parts.ts";
import { pinSplit } from "./_dci_pin_input.ts";
import type { CodesAndFactors } from "../../metrics/sap.ts";

/**
 * Runs `fn` with `globalThis.Worker` replaced by a subclass that counts the
 * Workers started and terminated; `failOn` makes the constructor of that
 * Worker (1-based) throw.
 */
async function countingWorkers(
  fn: () => Promise<unknown>,
  failOn = 0,
): Promise<{ started: number; terminated: number; error: unknown }> {
  const Original = globalThis.Worker;
  const counts = { started: 0, terminated: 0, error: undefined as unknown };
  class Counting extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      if (counts.started + 1 === failOn) throw new Error("no more Workers");
      super(url, options);
      counts.started++;
    }
    override terminate(): void {
      counts.terminated++;
      super.terminate();
    }
  }
  globalThis.Worker = Counting;
  try {
    await fn();
  } catch (e) {
    counts.error = e;
  } finally {
    globalThis.Worker = Original;
  }
  return counts;
}

const train = pinSplit(500, 11);
const test = pinSplit(250, 12);

Deno.test("dciAsync: the pinned input gives dci's result to the last bit, for any worker count", async () => {
  const expected = dci(train, test, { seed: 4 });
  for (const workers of [1, 2, 4, 9, undefined]) {
    const r = await dciAsync(train, test, { seed: 4, ...(workers ? { workers } : {}) });
    assert.deepEqual(r, expected, `workers: ${workers}`);
  }
  assert.deepEqual(await dciAsync(train, test), dci(train, test));
});

Deno.test("dciAsync: progress counts the factors as they finish", async () => {
  const calls: [number, number][] = [];
  await dciAsync(train, test, {
    workers: 2,
    onProgress: (done, total) => calls.push([done, total]),
  });
  assert.deepEqual(calls, [[1, 4], [2, 4], [3, 4], [4, 4]]);
});

Deno.test("dciAsync: bad input rejects with dci's error, before any Worker starts", async () => {
  const good = { codes: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.1]], factors: [[0], [1], [0]] };
  const cases: [CodesAndFactors, CodesAndFactors, { seed?: number }][] = [
    [{ codes: [[1, 2], [3]], factors: [[0], [1]] }, good, {}],
    [good, { codes: [[1, 2], [3, 4]], factors: [[0], [1], [0]] }, {}],
    [{ ...good, codes: [[0, NaN], [1, 1], [2, 2]] }, good, {}],
    [{ codes: [[1, 2]], factors: [[0]] }, good, {}],
    [
      { ...good, factors: [[0, 2], [1, 2], [0, 2]] },
      { ...good, factors: good.factors.map((f) => [f[0], 2]) },
      {},
    ],
    [good, { ...good, codes: [[1], [2], [3]] }, {}],
    [good, good, { seed: 1.5 }],
  ];
  for (const [tr, te, options] of cases) {
    let expected: Error | undefined;
    try {
      dci(tr, te, options);
    } catch (e) {
      expected = e as Error;
    }
    assert.ok(expected, "dci must throw");
    const { started, error } = await countingWorkers(() => dciAsync(tr, te, options));
    assert.equal(started, 0);
    assert.ok(error instanceof expected.constructor, `${error} is not a ${expected.name}`);
    assert.equal((error as Error).message, expected.message);
  }
  await assertRejectsWith(
    () => dciAsync(good, good, { workers: 0 }),
    RangeError,
    /^Cannot compute DCI: options.workers must be ≥ 1, got 0$/,
  );
  await assertRejectsWith(
    () => dciAsync(good, good, { workers: 1.5 }),
    TypeError,
    /^Cannot compute DCI: options.workers must be an integer, got 1.5$/,
  );
});

Deno.test("dciAsync: every Worker is terminated, on success and on error", async () => {
  const ok = await countingWorkers(() => dciAsync(train, test, { workers: 3 }));
  assert.equal(ok.error, undefined);
  assert.deepEqual([ok.started, ok.terminated], [3, 3]);

  // A progress callback that throws rejects the call with its error.
  const thrown = await countingWorkers(() =>
    dciAsync(train, test, {
      workers: 2,
      onProgress: () => {
        throw new Error("display closed");
      },
    })
  );
  assert.equal((thrown.error as Error).message, "display closed");
  assert.deepEqual([thrown.started, thrown.terminated], [2, 2]);

  // A Worker that cannot be started: those already started are terminated.
  const refused = await countingWorkers(() => dciAsync(train, test, { workers: 3 }), 3);
  assert.equal((refused.error as Error).message, "no more Workers");
  assert.deepEqual([refused.started, refused.terminated], [2, 2]);
});

Deno.test("dciAsync: without Worker the factors are fitted in-process", async () => {
  const Original = globalThis.Worker;
  // deno-lint-ignore no-explicit-any
  delete (globalThis as any).Worker;
  try {
    assert.deepEqual(await dciAsync(train, test, { seed: 4 }), dci(train, test, { seed: 4 }));
  } finally {
    globalThis.Worker = Original;
  }
});

Deno.test("DCI on Workers: the default count gives no Worker more than its core's share", () => {
  // [factors, cores, workers]: 5 on 2 → 3 (2 + 2 + 1); whole shares stay one per core.
  const cases = [
    [5, 2, 3],
    [4, 2, 2],
    [10, 2, 2],
    [7, 2, 3],
    [3, 2, 3],
    [1, 8, 1],
    [5, 8, 5],
    [
      12,
      8,
      12,
    ],
    [16, 8, 8],
    [9, 4, 5],
    [1, 1, 1],
    [6, 1, 1],
  ];
  for (const [k, cores, w] of cases) {
    assert.equal(defaultDciWorkers(k, cores), w, `${k} factors on ${cores} cores`);
    assert.ok(Math.ceil(k / w) <= Math.max(1, k / cores) || w === k);
  }
});
