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
