/**
 * Element-wise WebAssembly SIMD functions for the hot paths of a training
 * step that tfjs-wasm runs as chains of separate, scalar or slow-broadcast
 * kernels:
 *
 * - `reluGrad`: dx = dy where x > 0, else 0 (NaN where x is NaN), one pass
 *   instead of Step, Cast and Multiply;
 * - `relu`: the forward pass, so that it can be split with the helper thread
 *   (_simd_helper.ts) like the others;
 * - `biasAdd`: out[r, c] = x[r, c] + bias[c], where the shipped Add takes the
 *   generic broadcasting path (~0.55 ns per element, 3× a plain pass);
 * - `bernoulli` and `bernoulliGrad`: the Bernoulli log-density x·ℓ − softplus(ℓ)
 *   and its gradients in one pass each, instead of a dozen kernels among which
 *   tfjs-wasm's scalar Exp and Log1p and its scalar-broadcast Greater and Maximum
 *   take ~1–2.5 ns per element each.
 *
 * Each works on `bytes / 4` floats (`bytes` a multiple of 16) at byte offsets in
 * the backend's heap, and none produces a subnormal float where its inputs are
 * normal: WebAssembly has no flush-to-zero mode (see losses/bernoulli_log_density.ts).
 *
 * exp(−a) for a in [0, 87] is 2⁻ⁿ·e^(n·ln2 − a) with n = round(a/ln2), ln 2 split
 * in two parts (Cody–Waite) and e^u, |u| ≤ ln2/2, its degree-7 Taylor
 * polynomial (truncation below 3·10⁻⁹ relative); 2⁻ⁿ is built in the exponent
 * bits, n ≤ 126, so it is never subnormal. log1p(t) for t in (0, 1] is
 * 2·atanh(s) with s = t/(2 + t) ≤ 1/3, whose odd series to s¹³ is within
 * 1.4·10⁻⁸ relative; with s computed from t directly there is no cancellation
 * as in log(1 + t). Both are within a few float32 ulps of the exact values (tested).
 */
import { get, i32, set, simd, type WasmFunction } from "./_wasm_assembler.ts";

/** out[i] = max(x[i], 0) as the cpu backend's Math.max: −0 gives 0, NaN stays NaN. */
export type ReluKernel = (x: number, out: number, bytes: number) => void;

/** dx[i] = x[i] > 0 ? dy[i] : 0 (NaN where x[i] is NaN). */
export type ReluGradKernel = (dy: number, x: number, dx: number, bytes: number) => void;

/** out[r, c] = x[r, c] + bias[c] for a dense [bytes / colBytes, colBytes / 4] x. */
export type BiasAddKernel = (
  x: number,
  bias: number,
  out: number,
  bytes: number,
  colBytes: number,
) => void;

/** out[i] = x[i]·ℓ[i] − softplus(ℓ[i]), terms of softplus below e⁻⁸⁷ taken as 0. */
export type BernoulliKernel = (x: number, logits: number, out: number, bytes: number) => void;

/** dx[i] = dy[i]·ℓ[i]; dℓ[i] = dy[i]·(x[i] − σ(ℓ[i])), σ(ℓ) taken as 0 for ℓ < −40. */
export type BernoulliGradKernel = (
  x: number,
  logits: number,
  dy: number,
  dx: number,
  dLogits: number,
  bytes: number,
) => void;

const I32 = 0x7f;

type Code = number[];
const binary = (op: number) => (a: Code, b: Code): Code => [...a, ...b, ...simd(op)];
const unary = (op: number) => (a: Code): Code => [...a, ...simd(op)];
const add = binary(0xe4), sub = binary(0xe5), mul = binary(0xe6), div = binary(0xe7);
const min = binary(0xe8), max = binary(0xe9);
const lt = binary(0x43), gt = binary(0x44), ge = binary(0x46), ne = binary(0x42);
const and = binary(0x4e), or = binary(0x50);
const abs = unary(0xe0), neg = unary(0xe1), nearest = unary(0x6a);
const truncToInt = unary(0xf8); // i32x4.trunc_sat_f32x4_s
const intSub = binary(0xb1),
  shl = (a: Code, bits: number): Code => [...a, ...i32(bits), ...simd(0xab)];
/** v128.bitselect: lanes of `a` where `mask` is set, else of `b`. */
const select = (a: Code, b: Code, mask: Code): Code => [...a, ...b, ...mask, ...simd(0x52)];

/** v128.const of four copies of the float32 `v`. */
function f32x4(v: number): Code {
  const bytes = new Uint8Array(new Float32Array([v, v, v, v]).buffer);
  return [...simd(0x0c), ...bytes];
}

/** v128.const of four copies of the int32 `v`. */
function i32x4(v: number): Code {
  const bytes = new Uint8Array(new Int32Array([v, v, v, v]).buffer);
  return [...simd(0x0c), ...bytes];
}

const LOAD = [...simd(0x00), 4, 0]; // v128.load align=16 offset=0
const STORE = [...simd(0x0b), 4, 0];

/**
 * A loop over 16-byte vectors: the vector of each input pointer is loaded into
 * a v128 local, `prelude` may set further v128 locals, and each output is
 * stored from its expression. Parameters: the input pointers, the output
 * pointers, then the byte count, then `extra` further i32 parameters.
 */
function mapBody(
  inputs: number,
  outputs: number,
  temps: number,
  prelude: (v: (k: number) => Code, t: number) => Code,
  results: (v: (k: number) => Code, t: number) => Code[],
): number[] {
  const bytes = inputs + outputs;
  const i = bytes + 1;
  const vector = (k: number) => get(i + 1 + k); // v128 locals: inputs, then temps
  const firstTemp = i + 1 + inputs;
  const at = (ptr: number) => [...get(ptr), ...get(i), 0x6a];
  const exprs = results(vector, firstTemp);
  const code = [
    0x02,
    0x40,
    0x03,
    0x40,
    ...get(i),
    ...get(bytes),
    0x4f, // i32.ge_u
    0x0d,
    1,
    ...Array.from({ length: inputs }, (_, k) => [...at(k), ...LOAD, ...set(i + 1 + k)]).flat(),
    ...prelude(vector, firstTemp),
    ...exprs.flatMap((e, j) => [...at(inputs + j), ...e, ...STORE]),
    ...get(i),
    ...i32(16),
    0x6a,
    ...set(i),
    0x0c,
    0,
    0x0b,
    0x0b,
    0x0b,
  ];
  return [2, 1, I32, inputs + temps, 0x7b, ...code];
}

const LN2_HI = 0.693145751953125; // 15 significant bits: n·LN2_HI is exact for n ≤ 126
const LN2_LO = 1.428606765330187e-6;
const EXP_TAYLOR = [1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1, 1];
const ATANH_SERIES = [1 / 13, 1 / 11, 1 / 9, 1 / 7, 1 / 5, 1 / 3, 1];

/** Horner's scheme: coefficients from the highest power down. */
function horner(u: Code, coefficients: number[]): Code {
  return coefficients.slice(1).reduce(
    (acc, c) => add(mul(acc, u), f32x4(c)),
    f32x4(coefficients[0]),
  );
}

/**
 * Sets local `out` to e^(−a) for the v128 `a` (lanes in [0, 87]), using the v128
 * locals n and u.
 */
function expNeg(a: Code, n: number, u: number, out: number): Code {
  return [
    ...nearest(mul(a, f32x4(1 / Math.LN2))),
    ...set(n),
    // u = −(a − n·ln2), |u| ≤ ln2/2
    ...neg(sub(sub(a, mul(get(n), f32x4(LN2_HI))), mul(get(n), f32x4(LN2_LO)))),
    ...set(u),
    ...mul(horner(get(u), EXP_TAYLOR), shl(intSub(i32x4(127), truncToInt(get(n))), 23)),
    ...set(out),
  ];
}

/** The value x·ℓ − (max(ℓ, 0) + log1p(e^−|ℓ|)), the tail 0 where |ℓ| ≥ 87. */
function bernoulliBody(): number[] {
  // v128 temps: a = |ℓ|, n, u, t = e^−a, s, w.
  return mapBody(2, 1, 6, (v, t0) => {
    const [A, Nn, U, T, S, W] = [0, 1, 2, 3, 4, 5].map((k) => t0 + k);
    return [
      ...abs(v(1)),
      ...set(A),
      ...expNeg(min(get(A), f32x4(87)), Nn, U, T),
      // s = t/(2 + t), t at least 2⁻¹⁰⁰ so that s is normal; w = s², s at least 2⁻⁶⁰.
      ...max(get(T), f32x4(2 ** -100)),
      ...set(S),
      ...div(get(S), add(f32x4(2), get(S))),
      ...set(S),
      ...max(get(S), f32x4(2 ** -60)),
      ...set(W),
      ...mul(get(W), get(W)),
      ...set(W),
    ];
  }, (v, t0) => {
    const [A, , , T, S, W] = [0, 1, 2, 3, 4, 5].map((k) => t0 + k);
    const log1p = mul(add(get(S), get(S)), horner(get(W), ATANH_SERIES));
    // log1p(t) = t to float32 precision below 2⁻³⁰ (and s was clamped there).
    const tail = and(select(get(T), log1p, lt(get(T), f32x4(2 ** -30))), lt(get(A), f32x4(87)));
    return [sub(mul(v(0), v(1)), add(max(v(1), f32x4(0)), tail))];
  });
}

/** dx = dy·ℓ and dℓ = dy·(x − σ(ℓ)), σ(ℓ) from e^−|ℓ|, and 0 for ℓ < −40. */
function bernoulliGradBody(): number[] {
  // v128 temps: n, u, t = e^−|ℓ|, inv = 1/(1 + t).
  return mapBody(3, 2, 4, (v, t0) => {
    const [Nn, U, T, INV] = [0, 1, 2, 3].map((k) => t0 + k);
    return [
      ...expNeg(min(abs(v(1)), f32x4(87)), Nn, U, T),
      ...div(f32x4(1), add(f32x4(1), get(T))),
      ...set(INV),
    ];
  }, (v, t0) => {
    const [, , T, INV] = [0, 1, 2, 3].map((k) => t0 + k);
    const sigma = and(
      select(get(INV), mul(get(T), get(INV)), ge(v(1), f32x4(0))),
      gt(v(1), f32x4(-40)),
    );
    return [mul(v(2), v(1)), mul(v(2), sub(v(0), sigma))];
  });
}

/** max(x, 0): WebAssembly's max orders −0 below 0 and returns NaN for NaN. */
function reluBody(): number[] {
  return mapBody(1, 1, 0, () => [], (v) => [max(v(0), f32x4(0))]);
}

/** dx = dy where x > 0, else 0; a NaN x passes through. */
function reluGradBody(): number[] {
  return mapBody(2, 1, 0, () => [], (v) => [
    or(and(v(0), gt(v(1), f32x4(0))), and(v(1), ne(v(1), v(1)))),
  ]);
}

/** out = x + bias, the bias pointer wrapping every colBytes. */
function biasAddBody(): number[] {
  const [X, BIAS, OUT, BYTES, COLS, I, J] = [0, 1, 2, 3, 4, 5, 6];
  const code = [
    0x02,
    0x40,
    0x03,
    0x40,
    ...get(I),
    ...get(BYTES),
    0x4f,
    0x0d,
    1,
    ...get(OUT),
    ...get(I),
    0x6a,
    ...add([...get(X), ...get(I), 0x6a, ...LOAD], [...get(BIAS), ...get(J), 0x6a, ...LOAD]),
    ...STORE,
    ...get(I),
    ...i32(16),
    0x6a,
    ...set(I),
    // j = j + 16, back to 0 at the end of a row
    ...i32(0),
    ...get(J),
    ...i32(16),
    0x6a,
    0x22, // local.tee
    J,
    ...get(J),
    ...get(COLS),
    0x4f,
    0x1b, // select
    ...set(J),
    0x0c,
    0,
    0x0b,
    0x0b,
    0x0b,
  ];
  return [1, 2, I32, ...code];
}

/** The element-wise functions, for the library's SIMD module. */
export function elementwiseFunctions(): WasmFunction[] {
  return [
    { name: "reluGrad", params: Array(4).fill(I32), body: reluGradBody() },
    { name: "relu", params: Array(3).fill(I32), body: reluBody() },
    { name: "biasAdd", params: Array(5).fill(I32), body: biasAddBody() },
    { name: "bernoulli", params: Array(4).fill(I32), body: bernoulliBody() },
    { name: "bernoulliGrad", params: Array(6).fill(I32), body: bernoulliGradBody() },
  ];
}
