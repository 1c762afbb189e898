// The browser bundles the page loads, read from the npm packages Deno already
// resolved (its npm cache, or node_modules/), never from a CDN: the union
// tfjs bundle (WebGL and CPU backends) and the WASM backend with its binaries.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { CliError } from "../_train/cli_error.ts";

/** Site path → npm module specifier (resolved through deno.json's pinned imports). */
export const VENDOR_FILES: Readonly<Record<string, string>> = {
  "vendor/tf.min.js": "@tensorflow/tfjs/dist/tf.min.js",
  "vendor/tf-backend-wasm.min.js": "@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js",
  "vendor/tfjs-backend-wasm.wasm": "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",
  "vendor/tfjs-backend-wasm-simd.wasm":
    "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
  "vendor/tfjs-backend-wasm-threaded-simd.wasm":
    "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm",
};

/** Reads every vendored file; a missing one is a CliError naming the package file. */
export async function readVendorFiles(): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const [sitePath, specifier] of Object.entries(VENDOR_FILES)) {
    let path = "";
    try {
      const url = import.meta.resolve(specifier);
      if (!url.startsWith("file:")) throw new Error(`it resolved to ${url}, not a file`);
      path = fileURLToPath(url);
      files.set(sitePath, new Uint8Array(await readFile(path)));
    } catch (e) {
      throw new CliError(
        `Cannot build the explorer: the browser bundle ${specifier} is not installed${
          path ? ` (${path})` : ""
        }: ${(e as Error).message.split("\n")[0]}; run deno install`,
      );
    }
  }
  return files;
}
