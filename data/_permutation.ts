// Private: seeded permutations (Fisher–Yates with createRng).
import { createRng } from "./create_rng.ts";

/** murmur3's 32-bit finaliser. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A safe-integer seed for stream `stream` of `seed`: stream k of a seed never
 * depends on how many other streams were drawn, so epoch k's order can be
 * recomputed alone (e.g. when resuming from a checkpoint).
 */
export function streamSeed(seed: number, stream: number): number {
  const big = BigInt.asUintN(64, BigInt(seed));
  const lo = Number(big & 0xffffffffn);
  const hi = Number(big >> 32n);
  const a = fmix32(lo ^ fmix32((stream + 0x632be5ab) >>> 0));
  const b = fmix32(hi ^ a ^ 0x5bd1e995);
  return (b & 0x1fffff) * 4294967296 + a;
}

/** Shuffles `values` in place with a generator for stream `stream` of `seed`. */
export function shuffleInPlace(values: Int32Array, seed: number, stream: number): Int32Array {
  const rng = createRng(streamSeed(seed, stream));
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
  return values;
}
