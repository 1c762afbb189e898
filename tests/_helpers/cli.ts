/** Running the command-line entry points in tests, and checking how they fail. */

/** What a finished command printed. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `deno run -A <script> ...args` to completion (no colours, `env` added). */
export async function runScript(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CommandResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/**
 * Throws unless the command failed with exactly one `error: ...` line on
 * stderr (warnings aside) matching `pattern`, and no stack trace.
 */
export function assertOneLineError(result: CommandResult, pattern: RegExp): void {
  const lines = result.stderr.trim().split("\n").filter((l) => !l.startsWith("warning"));
  if (result.code === 0) throw new Error(`expected a non-zero exit, stderr:\n${result.stderr}`);
  if (
    lines.length !== 1 || !lines[0].startsWith("error: ") || !pattern.test(lines[0]) ||
    /\n\s+at /.test(result.stderr)
  ) {
    throw new Error(`expected one error line matching ${pattern}, got:\n${result.stderr}`);
  }
}
