/** Throws unless a schedule's step is a finite number ≥ 0. */
export function checkStep(step: unknown, schedule: string): number {
  if (typeof step !== "number" || !Number.isFinite(step) || step < 0) {
    throw new RangeError(
      `Cannot evaluate the ${schedule} schedule: step must be a finite number ≥ 0, got ${
        String(step)
      }`,
    );
  }
  return step;
}

/** Throws unless every named option is a finite number (≥ min where given). */
export function checkScheduleOptions(
  schedule: string,
  values: Record<string, unknown>,
  mins: Record<string, number> = {},
): void {
  for (const [name, v] of Object.entries(values)) {
    const min = mins[name] ?? -Infinity;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
      const bound = min === -Infinity ? "a finite number" : `a finite number ≥ ${min}`;
      throw new RangeError(
        `Cannot create the ${schedule} schedule: options.${name} must be ${bound}, got ${
          String(v)
        }`,
      );
    }
  }
}
