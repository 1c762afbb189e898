// Fuzzing the file readers of data/ (npy, npz, CSV/TSV, JSON, IDX) with
// fast-check: arbitrary bytes and mutated valid files must give either the
// readers' own error (a TypeError or RangeError reading "Cannot ...") or a
// well-formed array no larger than the file justifies, never another
// exception or a hang; unmutated files must read back exactly.
// `deno task fuzz --runs N` runs it long; tests/data/fuzz_readers_test.ts runs
// a few hundred cases.
import fc from "fast-check";
import { parseArgs } from "node:util";
import { readCsv } from "../data/read_csv.ts";
import { readIdx } from "../data/read_idx.ts";
import { readJsonMatrix } from "../data/read_json_matrix.ts";
import { readNpy } from "../data/read_npy.ts";
import { readNpz } from "../data/read_npz.ts";
import { writeNpy } from "../data/write_npy.ts";
import { writeNpz } from "../data/write_npz.ts";

/** Options of {@link fuzzReaders}. */
export interface FuzzReadersOptions {
  /**
   * Cases per property.
   * @default {200}
   */
  runs?: number;
  /**
   * Seed of fast-check (same seed, same cases).
   * @default {42}
   */
  seed?: number;
}

/** Whether `e` is a reader's own error: TypeError or RangeError, "Cannot ...". */
function isReaderError(e: unknown): boolean {
  return (e instanceof TypeError || e instanceof RangeError) && e.message.startsWith("Cannot ");
}

/** Runs `read`; rethrows anything but a reader's error, returns undefined for one. */
async function attempt<T>(read: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (isReaderError(e)) return undefined;
    throw e;
  }
}

const product = (shape: readonly number[]) => shape.reduce((p, s) => p * s, 1);

/** A valid file's bytes with some bytes overwritten, and possibly cut short. */
function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(
    valid,
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    fc.option(fc.nat(), { nil: undefined }),
  ).map(([bytes, edits, cut]) => {
    const out = bytes.slice(0, cut === undefined ? bytes.length : cut % (bytes.length + 1));
    for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value;
    return out;
  });
}

const matrix = fc.integer({ min: 1, max: 6 }).chain((cols) =>
  fc.array(
    fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), {
      minLength: cols,
      maxLength: cols,
    }),
    { minLength: 1, maxLength: 8 },
  )
);

const validNpy = fc.tuple(
  fc.constantFrom<"f4" | "f8" | "i4" | "u1">("f4", "f8", "i4", "u1"),
  fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 }),
  fc.integer(),
).map(([kind, shape, seed]) => {
  const n = product(shape);
  const data = kind === "f4"
    ? Float32Array.from({ length: n }, (_, i) => (seed + i) / 7)
    : kind === "f8"
    ? Float64Array.from({ length: n }, (_, i) => (seed - i) / 3)
    : kind === "i4"
    ? Int32Array.from({ length: n }, (_, i) => seed ^ i)
    : Uint8Array.from({ length: n }, (_, i) => (seed + i) & 255);
  return { shape, data, bytes: writeNpy({ shape, data }) };
});

const bytesArb = fc.uint8Array({ maxLength: 512 });
const npzMagic = bytesArb.map((b) => Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...b]));
const npyMagic = bytesArb.map((b) =>
  Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, ...b])
);
const idxMagic = fc.tuple(
  fc.constantFrom(8, 9, 11, 12, 13, 14),
  fc.integer({ min: 0, max: 4 }),
  bytesArb,
)
  .map(([type, nd, b]) => Uint8Array.from([0, 0, type, nd, ...b]));

/** Checks an npy-like result against the bytes it came from. */
function wellFormed(
  array: { shape: readonly number[]; data: { length: number; byteLength: number } },
  fileBytes: number,
  ratio = 1,
): void {
  if (array.data.length !== product(array.shape)) {
    throw new Error(`data length ${array.data.length} is not the product of [${array.shape}]`);
  }
  if (array.data.byteLength > fileBytes * ratio + 1024) {
    throw new Error(`${array.data.byteLength} bytes of data from a ${fileBytes}-byte file`);
  }
}

/** Runs every property; throws (fast-check's report) on the first counterexample. */
export async function fuzzReaders(options: FuzzReadersOptions = {}): Promise<void> {
  const { runs = 200, seed = 42 } = options;
  const params = { numRuns: runs, seed, timeout: 5000, markInterruptAsFailure: true };

  // npy: arbitrary bytes, bytes behind the magic, mutated files; unmutated files read back.
  const npyAny = fc.oneof(bytesArb, npyMagic, mutated(validNpy.map((v) => v.bytes)));
  fc.assert(
    fc.property(npyAny, (bytes) => {
      try {
        wellFormed(readNpy(bytes, { name: "f.npy" }), bytes.length);
      } catch (e) {
        if (!isReaderError(e)) throw e;
      }
    }),
    params,
  );
  fc.assert(
    fc.property(validNpy, ({ shape, data, bytes }) => {
      const back = readNpy(bytes);
      if (JSON.stringify(back.shape) !== JSON.stringify(shape)) throw new Error("shape");
      if (!back.data.every((v, i) => Object.is(v, data[i]))) throw new Error("values");
    }),
    params,
  );

  // npz: the same, archives of one or two members, stored or deflated.
  const validNpz = fc.tuple(validNpy, validNpy, fc.boolean())
    .map(([a, b, compress]) => ({ a, b, compress }));
  await fc.assert(
    fc.asyncProperty(
      validNpz,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        maxLength: 6,
      }),
      fc.option(fc.nat(), { nil: undefined }),
      async ({ a, b, compress }, edits, cut) => {
        const valid = await writeNpz({ a, b }, { compress });
        const intact = edits.length === 0 && cut === undefined;
        const bytes = valid.slice(0, cut === undefined ? valid.length : cut % (valid.length + 1));
        for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
        const read = await attempt(() => readNpz(bytes, { name: "f.npz" }));
        if (intact && read === undefined) throw new Error("a valid archive was refused");
        if (read) {
          for (const array of Object.values(read.arrays)) wellFormed(array, bytes.length, 1032);
          if (intact && !read.arrays.a.data.every((v, i) => Object.is(v, a.data[i]))) {
            throw new Error("values");
          }
        }
      },
    ),
    params,
  );
  await fc.assert(
    fc.asyncProperty(fc.oneof(bytesArb, npzMagic), async (bytes) => {
      const read = await attempt(() => readNpz(bytes, { name: "f.npz" }));
      for (const array of Object.values(read?.arrays ?? {})) wellFormed(array, bytes.length, 1032);
    }),
    params,
  );

  // IDX: arbitrary bytes, bytes behind a plausible header, mutated files.
  const validIdx = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }))
    .map(([r, c]) => {
      const head = [0, 0, 8, 2, 0, 0, 0, r, 0, 0, 0, c];
      return Uint8Array.from([...head, ...Array.from({ length: r * c }, (_, i) => i)]);
    });
  await fc.assert(
    fc.asyncProperty(fc.oneof(bytesArb, idxMagic, mutated(validIdx)), async (bytes) => {
      const read = await attempt(() => readIdx(bytes, { name: "f.idx" }));
      if (read) wellFormed(read, bytes.length);
    }),
    params,
  );

  // CSV and JSON: arbitrary text and mutated valid files; valid ones read back.
  const toCsv = (rows: number[][]) => rows.map((r) => r.map(String).join(",")).join("\n") + "\n";
  const textArb = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }).map((b) => new TextDecoder().decode(b)),
    mutated(matrix.map((m) => new TextEncoder().encode(toCsv(m))))
      .map((b) => new TextDecoder().decode(b)),
    mutated(matrix.map((m) => new TextEncoder().encode(JSON.stringify(m))))
      .map((b) => new TextDecoder().decode(b)),
  );
  fc.assert(
    fc.property(textArb, (text) => {
      for (const read of [() => readCsv(text), () => readJsonMatrix(text)]) {
        try {
          const m = read();
          if (m.data.length !== m.shape[0] * m.shape[1]) throw new Error("csv/json shape");
          if (m.data.length > text.length) throw new Error("more values than characters");
        } catch (e) {
          if (!isReaderError(e)) throw e;
        }
      }
    }),
    params,
  );
  fc.assert(
    fc.property(matrix, (rows) => {
      const flat = rows.flat();
      for (const m of [readCsv(toCsv(rows)), readJsonMatrix(JSON.stringify(rows))]) {
        if (m.shape[0] !== rows.length || m.shape[1] !== rows[0].length) throw new Error("shape");
        // -0 is written "0" by String and JSON: compare by value.
        if (!flat.every((v, i) => v === m.data[i])) throw new Error("values");
      }
    }),
    params,
  );
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string", default: "20000" },
      seed: { type: "string", default: "42" },
    },
  });
  const runs = Number(values.runs);
  const seed = Number(values.seed);
  const started = performance.now();
  await fuzzReaders({ runs, seed });
  console.log(
    `fuzz_readers: ${runs} cases per property, seed ${seed}, passed in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s`,
  );
}
