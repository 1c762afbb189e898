/**
 * A WebAssembly function that writes the zero-padded copy of NHWC images:
 * image b's rows (`rowBytes` each, `images` images of `rows` rows, dense at
 * src) land at dst with `top` zero rows above, `bottom` below, and
 * `leftBytes` / `rightBytes` of zeros on either side of each, the padded
 * images dense at dst. It runs as a task beside the products that read it
 * (the convolutions of _wasm_conv_kernels.ts), on either thread: a padded
 * image made just before its product is still in that core's cache, where a
 * serial copy of the whole batch (up to 9.5 MB on the conv net, 23 ms of a
 * 244 ms step on the 2-core Xeon) went out to memory and came back. One
 * `memory.fill` or `memory.copy` per run of bytes; a copy, so the padded
 * floats are the same bits.
 */
import { counted, get, set, type WasmFunction } from "./_wasm_assembler.ts";

/** Pads `images` dense images of `rows` rows of `rowBytes` from src into dst (byte offsets). */
export type PadImagesKernel = (
  src: number,
  dst: number,
  images: number,
  rows: number,
  rowBytes: number,
  top: number,
  bottom: number,
  leftBytes: number,
  rightBytes: number,
) => void;

const I32 = 0x7f;
const END = 0x0b;
const I32_CONST = 0x41, I32_ADD = 0x6a, I32_MUL = 0x6c;
const MEMORY_COPY = [0xfc, 0x0a, 0, 0], MEMORY_FILL = [0xfc, 0x0b, 0];

/** `local += by` for an i32 local and code pushing an i32. */
const bump = (local: number, by: number[]) => [...get(local), ...by, I32_ADD, ...set(local)];

function padImagesBody(): number[] {
  const [SRC, DST, IMAGES, ROWS, ROW_BYTES, TOP, BOTTOM, LEFT, RIGHT] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [B, R, S, D, PADDED_ROW] = [9, 10, 11, 12, 13];
  /** `bytes` zeros at D, then D past them. */
  const zeros = (bytes: number[]) => [
    ...get(D),
    I32_CONST,
    0,
    ...bytes,
    ...MEMORY_FILL,
    ...bump(D, bytes),
  ];
  const row = [
    ...zeros(get(LEFT)),
    ...get(D),
    ...get(S),
    ...get(ROW_BYTES),
    ...MEMORY_COPY,
    ...bump(D, get(ROW_BYTES)),
    ...bump(S, get(ROW_BYTES)),
    ...zeros(get(RIGHT)),
  ];
  const image = [
    ...zeros([...get(TOP), ...get(PADDED_ROW), I32_MUL]),
    ...counted(R, get(ROWS), 1, row),
    ...zeros([...get(BOTTOM), ...get(PADDED_ROW), I32_MUL]),
  ];
  return [
    1,
    5,
    I32,
    // paddedRow = left + rowBytes + right; S and D walk both buffers in order.
    ...get(LEFT),
    ...get(ROW_BYTES),
    I32_ADD,
    ...get(RIGHT),
    I32_ADD,
    ...set(PADDED_ROW),
    ...get(SRC),
    ...set(S),
    ...get(DST),
    ...set(D),
    ...counted(B, get(IMAGES), 1, image),
    END,
  ];
}

/** The function, for the library's heap module (_simd_wasm.ts). */
export function padImagesFunction(): WasmFunction {
  return { name: "padImages", params: Array(9).fill(I32), body: padImagesBody() };
}
