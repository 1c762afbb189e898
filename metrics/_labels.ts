// Checks for a one-dimensional array of labels: any finite numbers, compared
// by value as categories (as scikit-learn's mutual_info_score).

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return `a ${(value as object).constructor?.name ?? "object"}`;
  return `${typeof value} ${String(value)}`;
}

/** Throws unless `labels` is a non-empty array of finite numbers; returns it as Float64Array. */
export function checkLabelVector(labels: unknown, name: string, action: string): Float64Array {
  if (
    labels === null || typeof labels !== "object" ||
    typeof (labels as ArrayLike<unknown>).length !== "number"
  ) {
    throw new TypeError(
      `Cannot ${action}: ${name} must be an array of labels (finite numbers), got ${
        describe(labels)
      }`,
    );
  }
  const list = labels as ArrayLike<unknown>;
  if (list.length < 1) {
    throw new RangeError(`Cannot ${action}: ${name} needs at least 1 label, got 0`);
  }
  const out = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== "number") {
      throw new TypeError(`Cannot ${action}: ${name}[${i}] must be a number, got ${describe(v)}`);
    }
    if (!Number.isFinite(v)) {
      throw new RangeError(`Cannot ${action}: ${name}[${i}] must be finite, got ${v}`);
    }
    out[i] = v;
  }
  return out;
}
