/** Checks group sizes against D and returns the start offset of each group. */
export function groupOffsets(groupSizes: unknown, dims: number, action: string): number[] {
  if (!Array.isArray(groupSizes) || groupSizes.length === 0) {
    throw new TypeError(
      `Cannot ${action}: options.groupSizes must be a non-empty array of integers, got ${
        String(groupSizes)
      }`,
    );
  }
  const offsets: number[] = [];
  let total = 0;
  for (const [i, size] of groupSizes.entries()) {
    if (typeof size !== "number" || !Number.isInteger(size) || size < 1) {
      throw new RangeError(
        `Cannot ${action}: options.groupSizes[${i}] must be an integer ≥ 1, got ${String(size)}`,
      );
    }
    offsets.push(total);
    total += size;
  }
  if (total !== dims) {
    throw new RangeError(
      `Cannot ${action}: options.groupSizes [${groupSizes}] add up to ${total}, but z has ${dims} dimensions`,
    );
  }
  return offsets;
}
