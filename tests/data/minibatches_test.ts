import assert from "node:assert/strict";
import { createDsprites, type Dataset, minibatches, splitIndices } from "@disentangle/vae/data";
import { assertRejectsWith, assertThrowsWith } from "../_helpers/assert.ts";

/** A data set whose single pixel is its index, with asynchronous observations. */
function counting(size: number): Dataset {
  return {
    name: "counting",
    size,
    observationShape: [1, 1, 1],
    observations: (indices) =>
      Promise.resolve({ data: Float32Array.from(indices), shape: [indices.length, 1, 1, 1] }),
  };
}

async function collect(dataset: Dataset, options: Parameters<typeof minibatches>[1]) {
  const batches = [];
  for await (const b of minibatches(dataset, options)) batches.push(b);
  return batches;
}

Deno.test("minibatches visit every index exactly once per epoch, with matching observations", async () => {
  const batches = await collect(counting(103), { batchSize: 10, seed: 1, epochs: 3 });
  for (let e = 0; e < 3; e++) {
    const epoch = batches.filter((b) => b.epoch === e);
    assert.equal(epoch.length, 11);
    assert.deepEqual(epoch.map((b) => b.step), Array.from({ length: 11 }, (_, i) => i));
    assert.deepEqual(epoch.map((b) => b.indices.length), [...new Array(10).fill(10), 3]);
    const seen = epoch.flatMap((b) => Array.from(b.indices)).sort((a, b) => a - b);
    assert.deepEqual(seen, Array.from({ length: 103 }, (_, i) => i));
    for (const b of epoch) {
      assert.deepEqual(Array.from(b.observations.data), Array.from(b.indices));
      assert.deepEqual(b.observations.shape, [b.indices.length, 1, 1, 1]);
    }
  }
  const orders = [0, 1, 2].map((e) =>
    batches.filter((b) => b.epoch === e).flatMap((b) => Array.from(b.indices))
  );
  assert.notDeepEqual(orders[0], orders[1], "each epoch has its own order");
});

Deno.test("minibatches: same seed same order, different seed different, resumable epochs", async () => {
  const flat = (bs: { indices: Int32Array }[]) => bs.flatMap((b) => Array.from(b.indices));
  const a = flat(await collect(counting(50), { batchSize: 8, seed: 9, epochs: 2 }));
  assert.deepEqual(flat(await collect(counting(50), { batchSize: 8, seed: 9, epochs: 2 })), a);
  assert.notDeepEqual(flat(await collect(counting(50), { batchSize: 8, seed: 10, epochs: 2 })), a);
  // Epoch 1 alone, resumed, is the second half of the uninterrupted run.
  const resumed = flat(await collect(counting(50), { batchSize: 8, seed: 9, startEpoch: 1 }));
  assert.deepEqual(resumed, a.slice(50));
  // Without shuffling the order is 0..n−1 and no seed is needed.
  const plain = flat(await collect(counting(20), { batchSize: 6, shuffle: false }));
  assert.deepEqual(plain, Array.from({ length: 20 }, (_, i) => i));
});

Deno.test("minibatches: dropLast, subsets from splitIndices, and a synchronous data set", async () => {
  const dropped = await collect(counting(103), { batchSize: 10, seed: 1, dropLast: true });
  assert.equal(dropped.length, 10);
  assert.ok(dropped.every((b) => b.indices.length === 10));
  const split = splitIndices(103, { validationFraction: 0.25, seed: 5 });
  const train = await collect(counting(103), { batchSize: 16, seed: 2, indices: split.train });
  const seen = train.flatMap((b) => Array.from(b.indices)).sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from(split.train));
  const dsprites = createDsprites();
  let first;
  for await (const b of minibatches(dsprites, { batchSize: 64, seed: 3 })) {
    first = b;
    break;
  }
  assert.ok(first);
  assert.deepEqual(first.observations.shape, [64, 64, 64, 1]);
  assert.deepEqual(first.observations.data, dsprites.observations(first.indices).data);
});

Deno.test("splitIndices: disjoint, complete, sorted, seeded", () => {
  const a = splitIndices(1000, { validationFraction: 0.1, seed: 1 });
  assert.equal(a.validation.length, 100);
  assert.equal(a.train.length, 900);
  const all = [...a.train, ...a.validation].sort((x, y) => x - y);
  assert.deepEqual(all, Array.from({ length: 1000 }, (_, i) => i));
  assert.ok(a.train.every((v, i) => i === 0 || v > a.train[i - 1]));
  assert.deepEqual(splitIndices(1000, { validationFraction: 0.1, seed: 1 }), a);
  assert.notDeepEqual(
    splitIndices(1000, { validationFraction: 0.1, seed: 2 }).validation,
    a.validation,
  );
  assert.equal(splitIndices(10, { validationFraction: 0, seed: 1 }).validation.length, 0);
  assertThrowsWith(
    () => splitIndices(10, { validationFraction: 1.5, seed: 1 }),
    RangeError,
    /validationFraction must be in \[0, 1\], got 1\.5/,
  );
  assertThrowsWith(
    () => splitIndices(10, {} as { seed: number }),
    TypeError,
    /options\.seed is required/,
  );
  assertThrowsWith(
    () => splitIndices(2.5, { seed: 1 }),
    TypeError,
    /n must be an integer, got 2\.5/,
  );
});

Deno.test("minibatches reject bad options, naming the value", async () => {
  const d = counting(10);
  await assertRejectsWith(
    () => collect(d, { batchSize: 0, seed: 1 }),
    RangeError,
    /Cannot make minibatches: batchSize must be an integer ≥ 1, got 0/,
  );
  await assertRejectsWith(
    () => collect(d, { batchSize: 2 }),
    TypeError,
    /options\.seed is required when shuffling/,
  );
  await assertRejectsWith(
    () => collect(d, { seed: 0.5 }),
    RangeError,
    /seed must be a safe integer, got 0\.5/,
  );
  await assertRejectsWith(
    () => collect(d, { seed: 1, epochs: -1 }),
    RangeError,
    /epochs must be an integer ≥ 0 or Infinity, got -1/,
  );
  await assertRejectsWith(
    () => collect(d, { seed: 1, indices: [3, 10] }),
    RangeError,
    /indices\[1\] = 10 is outside 0\.\.9/,
  );
  await assertRejectsWith(
    () => collect({} as Dataset, { seed: 1 }),
    TypeError,
    /dataset must have size and observations/,
  );
});

Deno.test("minibatches from startStep s yield exactly the batches s, s+1, ... of a fresh iterator", async () => {
  const plain = (b: { epoch: number; step: number; indices: Int32Array }) => ({
    epoch: b.epoch,
    step: b.step,
    indices: Array.from(b.indices),
  });
  // 23 examples in batches of 5: 5 batches per epoch (the last of 3), or 4 with dropLast.
  for (const dropLast of [false, true]) {
    const options = { batchSize: 5, seed: 4, epochs: 3, startEpoch: 2, dropLast };
    const fresh = (await collect(counting(23), options)).map(plain);
    assert.equal(fresh.length, dropLast ? 12 : 15);
    for (let s = 0; s <= fresh.length + 2; s++) {
      const reads: number[] = [];
      const d = counting(23);
      const watched: Dataset = {
        ...d,
        observations: (i) => (reads.push(...Array.from(i)), d.observations(i)),
      };
      const started = await collect(watched, { ...options, startStep: s });
      assert.deepEqual(started.map(plain), fresh.slice(s), `dropLast ${dropLast}, startStep ${s}`);
      for (const b of started) {
        assert.deepEqual(Array.from(b.observations.data), Array.from(b.indices));
      }
      // The skipped batches are not read.
      assert.deepEqual(reads, fresh.slice(s).flatMap((b) => b.indices));
    }
  }
  // An endless stream started inside epoch 7 (8 batches of 4 per epoch, subset of a data set).
  const subset = Array.from({ length: 32 }, (_, i) => 3 * i);
  const endless = { batchSize: 4, seed: 1, epochs: Infinity, dropLast: true, indices: subset };
  const head = [];
  for await (const b of minibatches(counting(100), endless)) {
    head.push(plain(b));
    if (head.length === 60) break;
  }
  const resumed = [];
  for await (const b of minibatches(counting(100), { ...endless, startStep: 59 })) {
    resumed.push(plain(b));
    break;
  }
  assert.deepEqual(resumed, [head[59]]);
  assert.deepEqual([head[59].epoch, head[59].step], [7, 3]);
  await assertRejectsWith(
    () => collect(counting(10), { seed: 1, startStep: 1.5 }),
    RangeError,
    /Cannot make minibatches: startStep must be an integer ≥ 0, got 1\.5/,
  );
  await assertRejectsWith(
    () => collect(counting(10), { seed: 1, startStep: -1 }),
    RangeError,
    /startStep must be an integer ≥ 0, got -1/,
  );
});
