import type { Dataset } from "./dataset.ts";
import type { Observations } from "./ground_truth_data.ts";
import { checkIndices } from "./_factor_grid.ts";
import { shuffleInPlace } from "./_permutation.ts";

/** One minibatch: its data-set indices and their observations. */
export interface Minibatch {
  /** Epoch number (counting from `startEpoch`). */
  readonly epoch: number;
  /** Position of the batch within its epoch, from 0. */
  readonly step: number;
  /** The data-set indices of the batch, in batch order. */
  readonly indices: Int32Array;
  /** `dataset.observations(indices)`. */
  readonly observations: Observations;
}

/** Options of {@link minibatches}. */
export interface MinibatchOptions {
  /**
   * Examples per batch (the last batch of an epoch may be smaller unless `dropLast`).
   * @default {64}
   */
  batchSize?: number;
  /**
   * Seed of the shuffles: epoch e is a permutation drawn from (seed, e), so an
   * epoch's order is the same whether or not the earlier epochs ran.
   * Required when `shuffle` is true.
   * @default {undefined}
   */
  seed?: number;
  /**
   * Shuffle each epoch; otherwise visit the indices in order.
   * @default {true}
   */
  shuffle?: boolean;
  /**
   * Drop the last batch of each epoch when it is smaller than `batchSize`.
   * @default {false}
   */
  dropLast?: boolean;
  /**
   * Number of epochs (`Infinity` for an endless stream).
   * @default {1}
   */
  epochs?: number;
  /**
   * Number of the first epoch, to resume a run: its order is the one an
   * uninterrupted run would have used.
   * @default {0}
   */
  startEpoch?: number;
  /**
   * Number of the first batch, counted from the start of `startEpoch` across
   * epochs (a resumed run's step): the iterator yields exactly the batches a
   * fresh one would from that batch on, without reading the observations of
   * the ones it skips.
   * @default {0}
   */
  startStep?: number;
  /**
   * Draw from these data-set indices only (e.g. the `train` part of
   * {@link splitIndices}); each is visited once per epoch.
   * @default {undefined} (all of `0..dataset.size−1`)
   */
  indices?: ArrayLike<number>;
}

/**
 * Iterates over a data set in minibatches: every index (of the data set or of
 * `options.indices`) exactly once per epoch, in a seeded random order per
 * epoch; each batch carries its indices and observations.
 *
 * @param dataset The data set.
 * @param options Batch size, seed, shuffling, epochs, where to start, subset.
 * @returns An async generator of {@link Minibatch}es (it awaits the data
 *   set's observations, which may be asynchronous).
 * @throws {TypeError} If `dataset` is not a data set, an option has the wrong
 *   type, or `seed` is missing while shuffling.
 * @throws {RangeError} If `batchSize`, `epochs`, `startEpoch` or `startStep` is out of range,
 *   or an entry of `indices` is not an index of the data set.
 *
 * @example Every index once per epoch; the same seed gives the same order
 * ```ts
 * import assert from "node:assert/strict";
 * import { createShapes, minibatches } from "@disentangle/vae/data";
 * const shapes = createShapes({ gridSizes: [2, 2, 2, 2] }); // 16 images
 * const order = async (seed: number) => {
 *   const seen: number[] = [];
 *   for await (const b of minibatches(shapes, { batchSize: 5, seed })) seen.push(...b.indices);
 *   return seen;
 * };
 * const a = await order(7);
 * assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 16 }, (_, i) => i));
 * assert.deepEqual(await order(7), a);
 * ```
 *
 * @example Resuming a run at its step, inside an epoch
 * ```ts
 * import assert from "node:assert/strict";
 * import { createShapes, type Minibatch, minibatches } from "@disentangle/vae/data";
 * const shapes = createShapes({ gridSizes: [2, 2, 2, 2] }); // 4 batches of 4 per epoch
 * const options = { batchSize: 4, seed: 7, epochs: 2 };
 * const all: Minibatch[] = [];
 * for await (const b of minibatches(shapes, options)) all.push(b);
 * const resumed: Minibatch[] = [];
 * for await (const b of minibatches(shapes, { ...options, startStep: 5 })) resumed.push(b);
 * assert.deepEqual(resumed.map((b) => b.indices), all.slice(5).map((b) => b.indices));
 * assert.deepEqual([resumed[0].epoch, resumed[0].step], [1, 1]);
 * ```
 */
export async function* minibatches(
  dataset: Dataset,
  options: MinibatchOptions = {},
): AsyncGenerator<Minibatch, void, undefined> {
  const {
    batchSize = 64,
    seed,
    shuffle = true,
    dropLast = false,
    epochs = 1,
    startEpoch = 0,
    startStep = 0,
    indices,
  } = options;
  const action = "make minibatches";
  if (
    dataset === null || typeof dataset !== "object" ||
    typeof dataset.observations !== "function" || typeof dataset.size !== "number"
  ) {
    throw new TypeError(
      `Cannot ${action}: dataset must have size and observations(indices), got ${String(dataset)}`,
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`Cannot ${action}: batchSize must be an integer ≥ 1, got ${batchSize}`);
  }
  if (!(epochs === Infinity || (Number.isInteger(epochs) && epochs >= 0))) {
    throw new RangeError(
      `Cannot ${action}: epochs must be an integer ≥ 0 or Infinity, got ${epochs}`,
    );
  }
  if (!Number.isInteger(startEpoch) || startEpoch < 0) {
    throw new RangeError(`Cannot ${action}: startEpoch must be an integer ≥ 0, got ${startEpoch}`);
  }
  if (!Number.isInteger(startStep) || startStep < 0) {
    throw new RangeError(`Cannot ${action}: startStep must be an integer ≥ 0, got ${startStep}`);
  }
  if (shuffle) {
    if (seed === undefined) {
      throw new TypeError(
        `Cannot ${action}: options.seed is required when shuffling (a safe integer)`,
      );
    }
    if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
      throw new RangeError(`Cannot ${action}: seed must be a safe integer, got ${String(seed)}`);
    }
  }
  let pool: Int32Array;
  if (indices === undefined) {
    pool = new Int32Array(dataset.size);
    for (let i = 0; i < pool.length; i++) pool[i] = i;
  } else {
    checkIndices(indices, dataset.size, action);
    pool = Int32Array.from(indices);
  }
  // Skip whole epochs, then batches of the first epoch visited.
  const perEpoch = dropLast
    ? Math.floor(pool.length / batchSize)
    : Math.ceil(pool.length / batchSize);
  const first = perEpoch > 0 ? startEpoch + Math.floor(startStep / perEpoch) : startEpoch;
  let skip = perEpoch > 0 ? startStep % perEpoch : 0;
  const order = new Int32Array(pool.length);
  for (let e = first; e < startEpoch + epochs; e++) {
    order.set(pool);
    if (shuffle) shuffleInPlace(order, seed as number, e);
    let step = skip;
    skip = 0;
    for (let start = step * batchSize; start < order.length; start += batchSize) {
      const end = Math.min(order.length, start + batchSize);
      if (dropLast && end - start < batchSize) break;
      const batch = order.slice(start, end);
      const observations = await dataset.observations(batch);
      yield { epoch: e, step: step++, indices: batch, observations };
    }
  }
}
