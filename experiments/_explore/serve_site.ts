// Serves the explorer's files from memory on 127.0.0.1 (GET/HEAD only).
import { CliError } from "../_train/cli_error.ts";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  wasm: "application/wasm",
  bin: "application/octet-stream",
  png: "image/png",
};

/** The content type of a site path, by its extension. */
export function contentType(path: string): string {
  return TYPES[path.slice(path.lastIndexOf(".") + 1)] ?? "application/octet-stream";
}

/** Answers one request from the site's files. */
export function siteResponse(files: Map<string, Uint8Array>, request: Request): Response {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  let path = decodeURIComponent(new URL(request.url).pathname).replace(/^\/+/, "");
  if (path === "" || path.endsWith("/")) path += "index.html";
  const bytes = files.get(path);
  if (!bytes) return new Response(`not found: /${path}\n`, { status: 404 });
  return new Response(request.method === "HEAD" ? null : bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      "content-type": contentType(path),
      "content-length": String(bytes.byteLength),
      "cache-control": "no-store",
    },
  });
}

/** Starts serving; resolves with the server and its address once it listens. */
export function serveSite(
  files: Map<string, Uint8Array>,
  port: number,
): { server: Deno.HttpServer<Deno.NetAddr>; url: string } {
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve(
      { hostname: "127.0.0.1", port, onListen: () => {} },
      (request) => siteResponse(files, request),
    );
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) {
      throw new CliError(
        `Cannot serve the explorer: port ${port} is in use; choose another --port (0: any free port)`,
      );
    }
    if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
      throw new CliError(
        `Cannot serve the explorer on port ${port}: ${(e as Error).message.split("\n")[0]}`,
      );
    }
    throw e;
  }
  return { server, url: `http://127.0.0.1:${server.addr.port}/` };
}
