// Checks for a one-dimensional array of integer labels.

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return `a ${(value as object).constructor?.name ?? "object"}`;
  return `${typeof value} ${String(value)}`;
}

/** Throws unless `labels` is a non-empty array of integers; returns it as Float64Array. */
export function checkLabelVector(labels: unknown, name: string, action: string): Float64Array {
  if (
    labels === null || typeof labels !== "object" ||
    typeof (labels as ArrayLike<unknown>).length !== "number"
  ) {
    throw new TypeError(
      `Cannot ${action}: ${name} must be an array of integer labels, got ${describe(labels)}`,
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
    if (!Number.isInteger(v)) {
      throw new TypeError(
        `Cannot ${action}: ${name}[${i}] must be an integer label, got ${v} ` +
          `(discretise continuous values first, e.g. with histogramDiscretize)`,
      );
    }
    out[i] = v;
  }
  return out;
}
