/** Numeric assertions for tests (node:assert/strict has no tolerance-aware equality). */
import { AssertionError } from "node:assert/strict";

/** Asserts |actual − expected| ≤ atol + rtol·|expected|, elementwise for arrays. */
export function assertClose(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  { atol = 1e-6, rtol = 1e-6, message = "" }: { atol?: number; rtol?: number; message?: string } =
    {},
): void {
  const a = typeof actual === "number" ? [actual] : Array.from(actual);
  const e = typeof expected === "number" ? [expected] : Array.from(expected);
  if (a.length !== e.length) {
    throw new AssertionError({
      message: `${message} length ${a.length} !== expected length ${e.length}`,
      actual: a,
      expected: e,
    });
  }
  for (let i = 0; i < a.length; i++) {
    const ok = Number.isFinite(e[i])
      ? Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i])
      : Object.is(a[i], e[i]);
    if (!ok) {
      throw new AssertionError({
        message: `${message} at [${i}]: ${a[i]} is not close to ${
          e[i]
        } (atol ${atol}, rtol ${rtol})`,
        actual: a[i],
        expected: e[i],
      });
    }
  }
}

/** Asserts that `fn` throws an error of class `Cls` whose message matches `pattern`. */
export function assertThrowsWith(
  fn: () => unknown,
  Cls: new (...args: never[]) => Error,
  pattern: RegExp,
): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof Cls)) {
    throw new AssertionError({
      message: `expected ${Cls.name} matching ${pattern}, got ${String(thrown)}`,
    });
  }
  if (!pattern.test(thrown.message)) {
    throw new AssertionError({
      message: `expected message matching ${pattern}, got "${thrown.message}"`,
    });
  }
}

/** Async variant of {@link assertThrowsWith}. */
export async function assertRejectsWith(
  fn: () => Promise<unknown>,
  Cls: new (...args: never[]) => Error,
  pattern: RegExp,
): Promise<void> {
  let thrown: unknown;
  try {
    await fn();
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof Cls)) {
    throw new AssertionError({
      message: `expected ${Cls.name} matching ${pattern}, got ${String(thrown)}`,
    });
  }
  if (!pattern.test(thrown.message)) {
    throw new AssertionError({
      message: `expected message matching ${pattern}, got "${thrown.message}"`,
    });
  }
}
