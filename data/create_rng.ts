/**
 * The complete state of a {@link SeededRng}: the four unsigned 32-bit words
 * of xoshiro128** as plain numbers (JSON-safe), never all zero.
 */
export type RngState = readonly [number, number, number, number];

/**
 * A seeded uniform random source (callable like {@link Rng}: each call gives a
 * number in [0, 1) with 32 random bits) with integer and normal draws, whose
 * whole state can be saved and restored exactly.
 */
export interface SeededRng {
  /** Uniform in [0, 1): one 32-bit draw divided by 2³². */
  (): number;
  /** Uniform integer in `0..n−1` (exactly uniform, by rejection), `1 ≤ n ≤ 2³²`. */
  int(n: number): number;
  /** Standard normal draw (Box–Muller from two uniforms; nothing is cached). */
  normal(): number;
  /** A copy of the current state: `createRng(rng.state())` continues the same stream. */
  state(): RngState;
}

const TWO32 = 4294967296;

/**
 * Creates a seeded generator (xoshiro128** by Blackman and Vigna, seeded
 * through splitmix32), or recreates one from a saved {@link RngState}.
 *
 * A seed is any safe integer; seeds in `0..2³²−1` give the same stream as the
 * metrics' private generator, so a seed means the same thing throughout the
 * library. The generator keeps no hidden state besides its four words (normal
 * draws use two fresh uniforms each), so checkpoints restore it exactly.
 *
 * @param seedOrState A safe integer seed, or a state from `rng.state()`.
 * @returns The generator.
 * @throws {TypeError} If `seedOrState` is neither a number nor an array of 4 numbers.
 * @throws {RangeError} If the seed is not a safe integer, or the state words are
 *   not integers in `0..2³²−1` or are all zero.
 *
 * @example Same seed, same stream; a saved state resumes it
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRng } from "@disentangle/vae/data";
 * const a = createRng(42);
 * const b = createRng(42);
 * assert.equal(a(), b());
 * const saved = a.state();
 * const next = [a(), a.int(10), a.normal()];
 * const resumed = createRng(saved);
 * assert.deepEqual([resumed(), resumed.int(10), resumed.normal()], next);
 * ```
 */
export function createRng(seedOrState: number | RngState): SeededRng {
  let a: number, b: number, c: number, d: number;
  if (typeof seedOrState === "number") {
    if (!Number.isSafeInteger(seedOrState)) {
      throw new RangeError(
        `Cannot create rng: seed must be a safe integer, got ${seedOrState}`,
      );
    }
    const seed = BigInt.asUintN(64, BigInt(seedOrState));
    const lo = Number(seed & 0xffffffffn);
    const hi = Number(seed >> 32n);
    let x = (lo ^ 0x9e3779b9) >>> 0;
    const split = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    a = split();
    b = split();
    c = split();
    d = split();
    if (hi !== 0) {
      // Fold the high word in through a second splitmix32 pass.
      x = (hi ^ 0x7f4a7c15) >>> 0;
      a = (a ^ split()) >>> 0;
      b = (b ^ split()) >>> 0;
      c = (c ^ split()) >>> 0;
      d = (d ^ split()) >>> 0;
    }
    if ((a | b | c | d) === 0) d = 1;
  } else if (Array.isArray(seedOrState) && seedOrState.length === 4) {
    for (let i = 0; i < 4; i++) {
      const w = seedOrState[i];
      if (typeof w !== "number" || !Number.isInteger(w) || w < 0 || w >= TWO32) {
        throw new RangeError(
          `Cannot create rng: state[${i}] must be an integer in 0..2^32-1, got ${String(w)}`,
        );
      }
    }
    [a, b, c, d] = seedOrState;
    if ((a | b | c | d) === 0) {
      throw new RangeError(
        "Cannot create rng: state is all zero, which xoshiro128** never reaches",
      );
    }
  } else {
    throw new TypeError(
      `Cannot create rng: seedOrState must be a safe integer or an array of 4 state words, got ${
        describe(seedOrState)
      }`,
    );
  }

  const u32 = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c = (c ^ a) >>> 0;
    d = (d ^ b) >>> 0;
    b = (b ^ c) >>> 0;
    a = (a ^ d) >>> 0;
    c = (c ^ t) >>> 0;
    d = rotl(d, 11);
    return r;
  };
  const rng = (): number => u32() / TWO32;
  const int = (n: number): number => {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > TWO32) {
      throw new RangeError(`Cannot draw an integer: n must be an integer in 1..2^32, got ${n}`);
    }
    // Reject the top partial block so every residue is equally likely.
    const limit = TWO32 - (TWO32 % n);
    let r = u32();
    while (r >= limit) r = u32();
    return r % n;
  };
  const normal = (): number => {
    const u = 1 - rng(); // (0, 1]: log is finite
    const v = rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const state = (): RngState => [a, b, c, d];
  return Object.assign(rng, { int, normal, state });
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
