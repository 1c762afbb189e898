// Opens a page in headless Chromium (Debian's /usr/bin/chromium) through the
// DevTools protocol and reports what a person would see fail: images that did
// not decode, console errors, uncaught exceptions, failed loads.

/** What the page showed. */
export interface PageCheck {
  /** Every <img>: its alt text and decoded size (0 × 0 when it failed). */
  images: { alt: string; naturalWidth: number; naturalHeight: number }[];
  /** Console errors, exceptions and failed loads, one line each. */
  errors: string[];
  /** The page title. */
  title: string;
  /** A PNG screenshot of the top of the page. */
  screenshot: Uint8Array;
}

/** Chromium's path: $CHROMIUM, else /usr/bin/chromium. */
export function chromiumPath(): string {
  return Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";
}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** Loads `url` (e.g. a file:// URL) and inspects it; rejects after `timeoutMs`. */
export async function checkPage(url: string, timeoutMs = 60_000): Promise<PageCheck> {
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  const child = new Deno.Command(chromiumPath(), {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "--window-size=1200,900",
      "about:blank",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let socket: WebSocket | null = null;
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, timeoutMs);
  try {
    // Chromium prints "DevTools listening on ws://..." on stderr; keep draining it after.
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    let endpoint = "";
    while (!endpoint) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`Chromium exited before listening:\n${seen}`);
      seen += value;
      endpoint = seen.match(/DevTools listening on (ws:\/\/\S+)/)?.[1] ?? "";
    }
    (async () => {
      try {
        while (!(await reader.read()).done) { /* drain */ }
      } catch { /* closed */ }
    })();

    const ws = new WebSocket(endpoint);
    socket = ws;
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`Cannot connect to ${endpoint}`));
    });
    let nextId = 1;
    const pending = new Map<number, Pending>();
    const errors: string[] = [];
    let loaded: () => void = () => {};
    const loadedPromise = new Promise<void>((r) => loaded = r);
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data as string);
      if (message.id !== undefined) {
        const p = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) p?.reject(new Error(JSON.stringify(message.error)));
        else p?.resolve(message.result ?? {});
        return;
      }
      const params = message.params ?? {};
      switch (message.method) {
        case "Page.loadEventFired":
          loaded();
          break;
        case "Runtime.exceptionThrown":
          errors.push(
            `exception: ${
              JSON.stringify(
                params.exceptionDetails?.exception?.description ?? params.exceptionDetails?.text,
              )
            }`,
          );
          break;
        case "Runtime.consoleAPICalled":
          if (params.type === "error") {
            errors.push(
              `console.error: ${
                params.args?.map((a: { value?: unknown; description?: string }) =>
                  a.value ?? a.description
                ).join(" ")
              }`,
            );
          }
          break;
        case "Log.entryAdded":
          if (params.entry?.level === "error") {
            errors.push(`log: ${params.entry.text} ${params.entry.url ?? ""}`);
          }
          break;
      }
    };
    const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      });

    const { targetId } = await send("Target.createTarget", { url: "about:blank" }) as {
      targetId: string;
    };
    const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true }) as {
      sessionId: string;
    };
    await send("Page.enable", {}, sessionId);
    await send("Runtime.enable", {}, sessionId);
    await send("Log.enable", {}, sessionId);
    await send("Page.navigate", { url }, sessionId);
    await loadedPromise;
    const evaluate = async (expression: string) =>
      ((await send(
        "Runtime.evaluate",
        { expression, returnByValue: true, awaitPromise: true },
        sessionId,
      )) as {
        result: { value: unknown };
      }).result.value;
    // Wait until every image has finished (loaded or failed).
    await evaluate(
      "Promise.all([...document.images].map((i) => i.complete ? null : new Promise((r) => { i.onload = i.onerror = r; })))",
    );
    const images = JSON.parse(
      await evaluate(
        "JSON.stringify([...document.images].map((i) => ({ alt: i.alt, naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight })))",
      ) as string,
    );
    const title = await evaluate("document.title") as string;
    const { data } = await send("Page.captureScreenshot", { format: "png" }, sessionId) as {
      data: string;
    };
    const screenshot = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    await send("Browser.close").catch(() => ({}));
    return { images, errors, title, screenshot };
  } finally {
    clearTimeout(timer);
    try {
      socket?.close();
    } catch { /* closed */ }
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.status;
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}
