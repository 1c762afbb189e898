import { fuzzReaders } from "../../bench/fuzz_readers.ts";

// A short run of the fuzzing properties (`deno task fuzz` runs them long):
// the npy, npz, IDX, CSV and JSON readers give their own "Cannot ..." error
// or a well-formed array on arbitrary and mutated bytes, and read valid files back.
Deno.test("the file readers survive arbitrary and mutated bytes (300 cases per property)", async () => {
  await fuzzReaders({ runs: 300, seed: 7 });
});
