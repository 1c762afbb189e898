/**
 * A hand-assembled WebAssembly SIMD function that performs one Adam update
 * over buffers living in the tfjs wasm backend's own heap (it imports that
 * backend's `WebAssembly.Memory`), four floats per instruction:
 *
 *   m' = m·β₁ + g·(1−β₁);  v' = v·β₂ + g²·(1−β₂)
 *   p' = (m'/d₁) / (√(v'/d₂) + ε) · (−lr) + p
 *
 * with every operation in float32 and in tf.train.adam's order (SIMD f32x4
 * arithmetic is IEEE, with no fused multiply-add), so results are identical.
 * The bytes are built here rather than shipped, so there is nothing to fetch.
 */

/** Signature of the exported function; pointers are byte offsets in the heap. */
export type AdamKernel = (
  bytes: number,
  p: number,
  g: number,
  m: number,
  v: number,
  pOut: number,
  mOut: number,
  vOut: number,
  beta1: number,
  oneMinusBeta1: number,
  beta2: number,
  oneMinusBeta2: number,
  d1: number,
  d2: number,
  epsilon: number,
  negLearningRate: number,
) => void;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

// Opcodes.
const GET = 0x20, SET = 0x21, I32_CONST = 0x41, I32_ADD = 0x6a, I32_GE_U = 0x4f;
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;
const simd = (op: number) => [0xfd, ...uleb(op)];
const LOAD = [...simd(0x00), 2, 0]; // v128.load align=4 offset=0
const STORE = [...simd(0x0b), 2, 0]; // v128.store align=4 offset=0
const SPLAT = simd(0x13), SQRT = simd(0xe3), ADD = simd(0xe4), MUL = simd(0xe6);
const DIV = simd(0xe7);

// Parameters 0..7 are i32 (byte count then seven pointers), 8..15 f32 scalars.
const [N, P, G_, M_, V_, PO, MO, VO] = [0, 1, 2, 3, 4, 5, 6, 7];
const I = 16; // loop offset (i32 local)
// v128 locals: the eight splatted scalars, then g, m', v'.
const [B1, C1, B2, C2, D1, D2, EPS, NLR, G, M, V] = [17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27];

const get = (i: number) => [GET, i];
const set = (i: number) => [SET, i];
const at = (ptr: number) => [...get(ptr), ...get(I), I32_ADD];

function body(): number[] {
  const code: number[] = [];
  for (let j = 0; j < 8; j++) code.push(...get(8 + j), ...SPLAT, ...set(B1 + j));
  code.push(
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(I),
    ...get(N),
    I32_GE_U,
    BR_IF,
    1,
    // g
    ...at(G_),
    ...LOAD,
    ...set(G),
    // m' = m·β₁ + g·(1−β₁)
    ...at(M_),
    ...LOAD,
    ...get(B1),
    ...MUL,
    ...get(G),
    ...get(C1),
    ...MUL,
    ...ADD,
    ...set(M),
    // v' = v·β₂ + (g·g)·(1−β₂)
    ...at(V_),
    ...LOAD,
    ...get(B2),
    ...MUL,
    ...get(G),
    ...get(G),
    ...MUL,
    ...get(C2),
    ...MUL,
    ...ADD,
    ...set(V),
    ...at(MO),
    ...get(M),
    ...STORE,
    ...at(VO),
    ...get(V),
    ...STORE,
    // p' = ((m'/d₁) / (√(v'/d₂) + ε)) · (−lr) + p
    ...at(PO),
    ...get(M),
    ...get(D1),
    ...DIV,
    ...get(V),
    ...get(D2),
    ...DIV,
    ...SQRT,
    ...get(EPS),
    ...ADD,
    ...DIV,
    ...get(NLR),
    ...MUL,
    ...at(P),
    ...LOAD,
    ...ADD,
    ...STORE,
    // offset += 16 bytes
    ...get(I),
    I32_CONST,
    16,
    I32_ADD,
    ...set(I),
    BR,
    0,
    END,
    END,
    END,
  );
  const locals = [2, 1, 0x7f, 11, 0x7b]; // 1 i32, 11 v128
  return [...locals, ...code];
}

function moduleBytes(): Uint8Array {
  const I32 = 0x7f, F32 = 0x7d;
  const params = [...Array(8).fill(I32), ...Array(8).fill(F32)];
  const type = [1, 0x60, ...uleb(params.length), ...params, 0];
  const imports = [1, ...str("env"), ...str("memory"), 0x02, 0x00, 0x00];
  const funcs = [1, 0];
  const exports = [1, ...str("adam"), 0x00, 0];
  const fn = body();
  const code = [1, ...uleb(fn.length), ...fn];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, type),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

const kernels = new WeakMap<WebAssembly.Memory, AdamKernel>();

/** The Adam kernel bound to `memory` (compiled once per memory). */
export function adamKernel(memory: WebAssembly.Memory): AdamKernel {
  let kernel = kernels.get(memory);
  if (kernel === undefined) {
    const module = new WebAssembly.Module(moduleBytes() as BufferSource);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    kernel = instance.exports.adam as AdamKernel;
    kernels.set(memory, kernel);
  }
  return kernel;
}
