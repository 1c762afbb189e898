/** The first line of an error's message, shortened to `max` characters, for one-line reasons. */
export function firstLine(e: unknown, max = 120): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split("\n")[0].trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}
