/** Writers of NORB binary matrices and MATLAB v5 MAT-files, for the loaders' tests. */
import { deflateSync } from "node:zlib";

/** A NORB binary matrix: uint8 (magic 0x1E3D4C55) or int32 (0x1E3D4C54), little-endian. */
export function norbMatrix(
  dtype: "u8" | "i32",
  shape: number[],
  values: ArrayLike<number>,
  { magic }: { magic?: number } = {},
): Uint8Array {
  const dims = [...shape, ...Array(Math.max(0, 3 - shape.length)).fill(1)];
  const head = new DataView(new ArrayBuffer(8 + 4 * dims.length));
  head.setUint32(0, magic ?? (dtype === "u8" ? 0x1e3d4c55 : 0x1e3d4c54), true);
  head.setInt32(4, shape.length, true);
  dims.forEach((d, k) => head.setInt32(8 + 4 * k, d, true));
  const body = new DataView(new ArrayBuffer(values.length * (dtype === "u8" ? 1 : 4)));
  for (let i = 0; i < values.length; i++) {
    if (dtype === "u8") body.setUint8(i, values[i]);
    else body.setInt32(4 * i, values[i], true);
  }
  const out = new Uint8Array(head.byteLength + body.byteLength);
  out.set(new Uint8Array(head.buffer));
  out.set(new Uint8Array(body.buffer), head.byteLength);
  return out;
}

/** One variable of a MAT file: a uint8 or double array (column-major data), or an empty cell. */
export interface MatVar {
  name: string;
  className: "uint8" | "double" | "cell";
  dims: number[];
  data?: ArrayLike<number>;
}

const CLASS = { cell: 1, double: 6, uint8: 9 } as const;

/** A MATLAB v5 MAT-file holding `vars`, each variable compressed (miCOMPRESSED) or not. */
export function writeMat(
  vars: MatVar[],
  { compress = false, bigEndian = false }: { compress?: boolean; bigEndian?: boolean } = {},
): Uint8Array {
  const le = !bigEndian;
  const parts: Uint8Array[] = [];
  const header = new Uint8Array(128).fill(32);
  header.set(new TextEncoder().encode("MATLAB 5.0 MAT-file, written by the tests"));
  header.fill(0, 116, 124);
  const hv = new DataView(header.buffer);
  hv.setUint16(124, 0x0100, le);
  header.set(le ? [0x49, 0x4d] : [0x4d, 0x49], 126);
  parts.push(header);
  for (const v of vars) {
    const m = matrixElement(v, le);
    if (compress) {
      const z = new Uint8Array(deflateSync(m));
      parts.push(tag(15, z.length, le), z);
    } else parts.push(m);
  }
  return concat(parts);
}

function tag(type: number, length: number, le: boolean): Uint8Array {
  const t = new DataView(new ArrayBuffer(8));
  t.setUint32(0, type, le);
  t.setUint32(4, length, le);
  return new Uint8Array(t.buffer);
}

/** An element: tag, data, zero padding to 8 bytes (or the small format for ≤ 4 bytes). */
function element(type: number, data: Uint8Array, le: boolean, small = false): Uint8Array {
  if (small && data.length <= 4) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setUint32(0, (data.length << 16) | type, le);
    out.set(data, 4);
    return out;
  }
  const padded = new Uint8Array(Math.ceil(data.length / 8) * 8);
  padded.set(data);
  return concat([tag(type, data.length, le), padded]);
}

function matrixElement(v: MatVar, le: boolean): Uint8Array {
  const flags = new DataView(new ArrayBuffer(8));
  flags.setUint32(0, CLASS[v.className], le);
  const dims = new DataView(new ArrayBuffer(4 * v.dims.length));
  v.dims.forEach((d, k) => dims.setInt32(4 * k, d, le));
  const subs = [
    element(6, new Uint8Array(flags.buffer), le),
    element(5, new Uint8Array(dims.buffer), le),
    element(1, new TextEncoder().encode(v.name), le, true),
  ];
  if (v.className === "uint8") subs.push(element(2, Uint8Array.from(v.data ?? []), le));
  if (v.className === "double") {
    const values = v.data ?? [];
    const d = new DataView(new ArrayBuffer(8 * values.length));
    for (let i = 0; i < values.length; i++) d.setFloat64(8 * i, values[i], le);
    subs.push(element(9, new Uint8Array(d.buffer), le));
  }
  const body = concat(subs);
  return concat([tag(14, body.length, le), body]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Where the shared data-set fixtures are (../shared/fixtures/datasets from the repository), if present. */
export const SHARED_DATASETS =
  new URL("../../../shared/fixtures/datasets/", import.meta.url).pathname;

/** Whether the shared fixtures are present (tests reading them are skipped, with a message, when not). */
export function sharedFixturesPresent(): boolean {
  try {
    Deno.statSync(`${SHARED_DATASETS}datasets_expected.json`);
    return true;
  } catch {
    console.warn(`skipping the shared-fixture tests: ${SHARED_DATASETS} is absent`);
    return false;
  }
}
