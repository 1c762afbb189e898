/**
 * What the native-library loaders (OpenBLAS, oneDNN) share: reading their
 * environment variables without --allow-env failing, setting a library's
 * tuning variable before it is opened unless the user chose a value, and one
 * wording for a path that does not open.
 */
import { firstLine } from "./_first_line.ts";

/** The trimmed value of `name`, or undefined when unset, empty or unreadable (no --allow-env). */
export function envValue(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    const value = Deno.env.get(name)?.trim();
    return value === "" ? undefined : value;
  } catch {
    return undefined;
  }
}

/**
 * Sets `name` to `value` unless the user set it. Libraries read such
 * variables once, when they are opened, so call it before the dlopen.
 * Without --allow-env the library keeps its own default.
 */
export function envDefault(name: string, value: string): void {
  try {
    if (envValue(name) === undefined) Deno.env.set(name, value);
  } catch { /* no --allow-env */ }
}

/** "path: why" for a library that did not open, without Deno's repeated prefix. */
export function openFailure(path: string, e: unknown): string {
  const why = firstLine(e).replace(/^(Could not open library: )+/, "");
  return why.includes(path) ? why : `${path}: ${why}`;
}
