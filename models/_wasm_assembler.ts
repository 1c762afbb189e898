/**
 * The few pieces of the WebAssembly binary format the library's hand-built
 * SIMD modules need: LEB128 integers, names, sections and a module that
 * imports the tfjs wasm backend's heap memory. The modules are built at run
 * time rather than shipped, so there is nothing to fetch.
 */

/** Unsigned LEB128 encoding of `n`. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 encoding of `n` (i32.const's immediate). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** i32.const `n`. */
export const i32 = (n: number): number[] => [0x41, ...sleb(n)];

/**
 * A counted loop: the i32 local `counter` from 0 in steps of `step` while
 * below `limit` (code pushing an i32), around `body`.
 */
export function counted(counter: number, limit: number[], step: number, body: number[]): number[] {
  return [
    ...i32(0),
    ...set(counter),
    0x02, // block
    0x40,
    0x03, // loop
    0x40,
    ...get(counter),
    ...limit,
    0x4f, // i32.ge_u
    0x0d, // br_if 1
    1,
    ...body,
    ...get(counter),
    ...i32(step),
    0x6a, // i32.add
    ...set(counter),
    0x0c, // br 0
    0,
    0x0b,
    0x0b,
  ];
}

/** A SIMD instruction (prefix 0xfd, then its LEB128 opcode). */
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
/** local.get of local `i`. */
export const get = (i: number): number[] => [0x20, i];
/** local.set of local `i`. */
export const set = (i: number): number[] => [0x21, i];

/** A section: its id, its byte length, its body. */
export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A name: its length, then its (ASCII) characters. */
export function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/** One function of a module: its parameter types, its exported name and its body. */
export interface WasmFunction {
  name: string;
  params: number[];
  /** Local declarations then code, ending with `end` (0x0b). */
  body: number[];
}

/**
 * The bytes of a module that imports `env.memory` (shared, with a 4 GiB
 * maximum, for the threaded build's heap) and exports `functions`, none of
 * which returns a value.
 */
export function heapModule(functions: WasmFunction[], shared: boolean): Uint8Array {
  const types = functions.flatMap((f) => [0x60, ...uleb(f.params.length), ...f.params, 0]);
  const limits = shared ? [0x03, 0x00, ...uleb(65536)] : [0x00, 0x00];
  const imports = [1, ...str("env"), ...str("memory"), 0x02, ...limits];
  const funcs = [...uleb(functions.length), ...functions.map((_, i) => i)];
  const exports = [
    ...uleb(functions.length),
    ...functions.flatMap((f, i) => [...str(f.name), 0x00, ...uleb(i)]),
  ];
  const code = [
    ...uleb(functions.length),
    ...functions.flatMap((f) => [...uleb(f.body.length), ...f.body]),
  ];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [...uleb(functions.length), ...types]),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
  ]);
}
