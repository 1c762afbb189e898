// A test-only pause at a named point of a save, so the fault tests can kill a
// real process (SIGKILL) exactly there. Inert unless the environment variable
// DISENTANGLE_FAULT_POINT names the point ("checkpoint-write",
// "checkpoint-swap", "save-vae"; "checkpoint-swap@3" for its third occurrence
// in the process) and the
// process may read it (--allow-env; the permission is queried, never
// prompted for). At the point the process writes its pid to the file named by
// DISENTANGLE_FAULT_FILE (if set), says so on stderr, and waits an hour.

const reached = new Map<string, number>();

function env(name: string): string | undefined {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (!deno) return undefined;
  try {
    if (deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** Pauses here if the environment asks for it (see the file's header). */
export async function faultPoint(name: string): Promise<void> {
  const wanted = env("DISENTANGLE_FAULT_POINT");
  if (wanted === undefined || !wanted.startsWith(name)) return;
  const [point, nth = "1"] = wanted.split("@");
  if (point !== name) return;
  const count = (reached.get(name) ?? 0) + 1;
  reached.set(name, count);
  if (count !== Number(nth)) return;
  const file = env("DISENTANGLE_FAULT_FILE");
  if (file) await Deno.writeTextFile(file, String(Deno.pid));
  console.error(`fault point ${name} reached (pid ${Deno.pid}): waiting to be killed`);
  await new Promise((resolve) => setTimeout(resolve, 3_600_000));
}
