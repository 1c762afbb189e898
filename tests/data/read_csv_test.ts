import assert from "node:assert/strict";
import { readCsv, readJsonMatrix } from "@disentangle/vae/data";
import { assertThrowsWith } from "../_helpers/assert.ts";

Deno.test("readCsv reads comma, tab and space separated rows, with or without a header", () => {
  const plain = readCsv("1,2,3\n4,5,6\n");
  assert.deepEqual(plain.shape, [2, 3]);
  assert.equal(plain.header, undefined);
  assert.deepEqual(Array.from(plain.data), [1, 2, 3, 4, 5, 6]);

  const tsv = readCsv("a\tb\r\n0.25\t-1e2\r\n\r\n");
  assert.deepEqual(tsv.shape, [1, 2]);
  assert.deepEqual(tsv.header, ["a", "b"]);
  assert.deepEqual(Array.from(tsv.data), [0.25, -100]);

  // numpy.savetxt: spaces, a "# " header comment, 18 significant digits.
  const savetxt = readCsv("# z0 z1\n1.000000000000000000e+00 -5.000000000000000000e-01\n");
  assert.deepEqual(Array.from(savetxt.data), [1, -0.5]);

  // pandas to_csv with quoted names; a BOM from a spreadsheet.
  const quoted = readCsv('\ufeff"x","y"\n"1",2\n');
  assert.deepEqual(quoted.header, ["x", "y"]);
  assert.deepEqual(Array.from(quoted.data), [1, 2]);
});

Deno.test("readCsv reads nan and inf, takes bytes, and obeys header and delimiter options", () => {
  const m = readCsv(new TextEncoder().encode("nan,inf,-Infinity,+.5\n"));
  assert.ok(Number.isNaN(m.data[0]));
  assert.deepEqual(Array.from(m.data.subarray(1)), [Infinity, -Infinity, 0.5]);
  // A numeric first row taken as names when asked.
  assert.deepEqual(readCsv("1,2\n3,4\n", { header: true }).header, ["1", "2"]);
  assertThrowsWith(
    () => readCsv("a,b\n1,2\n", { header: false, name: "f.csv" }),
    TypeError,
    /^Cannot read f\.csv: line 1, column 1: "a" is not a number$/,
  );
  assertThrowsWith(
    () => readCsv("0;1\n1;2\n", { delimiter: "," }),
    TypeError,
    /"1;2" is not a number/,
  );
  assertThrowsWith(() => readCsv("1\n", { delimiter: ";" as "," }), RangeError, /delimiter/);
  assert.deepEqual(readCsv("").shape, [0, 0]);
  assert.deepEqual(readCsv("a,b\n").shape, [0, 2]);
});

Deno.test("readCsv errors name the file, the line and the column", () => {
  assertThrowsWith(
    () => readCsv("a,b\n1,2\n3,4,5\n", { name: "codes.csv" }),
    TypeError,
    /^Cannot read codes\.csv: line 3 has 3 cells, line 1 has 2$/,
  );
  assertThrowsWith(
    () => readCsv("1,2\n3,x4\n", { name: "codes.csv" }),
    TypeError,
    /^Cannot read codes\.csv: line 2, column 2: "x4" is not a number$/,
  );
  assertThrowsWith(
    () => readCsv("1,2,3\n1,,2\n"),
    TypeError,
    /line 2, column 2: "" is not a number/,
  );
  // Hex, empty and other forms Number() would accept are refused.
  assertThrowsWith(() => readCsv("1,2\n0x10,3\n"), TypeError, /"0x10" is not a number/);
  assertThrowsWith(() => readCsv(5 as unknown as string), TypeError, /got number/);
});

Deno.test("readJsonMatrix reads rows or a column, and names what is wrong", () => {
  assert.deepEqual(Array.from(readJsonMatrix("[[1, 2.5], [-3, 4]]").data), [1, 2.5, -3, 4]);
  assert.deepEqual(readJsonMatrix("[]").shape, [0, 0]);
  const column = readJsonMatrix(new TextEncoder().encode("[1, 2]"));
  assert.deepEqual(column.shape, [2, 1]);
  assertThrowsWith(
    () => readJsonMatrix("[[1, NaN]]", { name: "c.json" }),
    TypeError,
    /^Cannot read c\.json: not valid JSON .*NaN and Infinity/,
  );
  assertThrowsWith(
    () => readJsonMatrix('{"a": 1}'),
    TypeError,
    /must be an array of rows, got object/,
  );
  assertThrowsWith(
    () => readJsonMatrix("[[1, 2], [3]]"),
    TypeError,
    /row 1 has 1 values, row 0 has 2/,
  );
  assertThrowsWith(
    () => readJsonMatrix('[[1, 2], [3, "4"]]', { name: "c.json" }),
    TypeError,
    /^Cannot read c\.json: row 1, column 1 is "4", not a number$/,
  );
  assertThrowsWith(() => readJsonMatrix("[[1], 2]"), TypeError, /row 1 is not an array/);
  assertThrowsWith(() => readJsonMatrix("[1, null]"), TypeError, /row 1 is null, not a number/);
});
