/**
 * WebAssembly text → the TypeScript module that embeds its bytes. The library
 * ships the bytes (metrics/ imports nothing, so it cannot compile text at run
 * time); the text is the source people read and edit. The tests compile the
 * text again and require the same bytes, so the two never drift apart.
 *
 * Run `deno task build:wasm` after editing a `.wat` file listed in WAT_MODULES.
 */
import wabtInit from "wabt";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Every embedded module: its text and the TypeScript file that holds its bytes. */
export const WAT_MODULES: readonly { readonly wat: string; readonly ts: string }[] = [
  { wat: "metrics/_tree_kernels.wat", ts: "metrics/_tree_kernels_wasm.ts" },
];

/** Compiles WebAssembly text (with SIMD and bulk memory) to its binary. */
export async function compileWat(text: string, name: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(name, text, { simd: true, bulk_memory: true });
  try {
    module.validate();
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** The TypeScript file that embeds `bytes`, compiled from the text file `wat`. */
export function embeddedModuleSource(bytes: Uint8Array, wat: string): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  const base64 = btoa(binary);
  const lines = base64.match(/.{1,96}/g) ?? [];
  return [
    `// Generated from ${wat.split("/").pop()} by \`deno task build:wasm\`; do not edit.`,
    "",
    "/** The module's bytes, base64-encoded. */",
    "export const WASM_BASE64 =",
    lines.map((l) => `  "${l}"`).join(" +\n") + ";",
    "",
  ].join("\n");
}

/** The embedded source each module's text compiles to now. */
export async function expectedSources(): Promise<{ ts: string; source: string }[]> {
  const out = [];
  for (const { wat, ts } of WAT_MODULES) {
    const text = await Deno.readTextFile(join(repo, wat));
    out.push({ ts, source: embeddedModuleSource(await compileWat(text, wat), wat) });
  }
  return out;
}

if (import.meta.main) {
  for (const { ts, source } of await expectedSources()) {
    await Deno.writeTextFile(join(repo, ts), source);
    console.log(`wrote ${ts}`);
  }
}
