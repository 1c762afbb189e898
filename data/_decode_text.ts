/**
 * The text readers' input as a string: a string as it is, bytes decoded as
 * UTF-8; anything else is a TypeError naming `name`.
 */
export function decodeText(text: string | Uint8Array, name: string): string {
  if (typeof text === "string") return text;
  if (text instanceof Uint8Array) return new TextDecoder().decode(text);
  throw new TypeError(
    `Cannot read ${name}: text must be a string or a Uint8Array, got ${
      text === null ? "null" : typeof text
    }`,
  );
}
