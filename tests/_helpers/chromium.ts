// A minimal headless-Chromium driver over the DevTools protocol (a WebSocket
// from Deno, no npm package): launch, open a page, evaluate, click, screenshot;
// and `checkPage`, which reports what a person would see fail on a page.
// Debian's `chromium` (/usr/bin/chromium; .ci/run installs it with apt-get).

/** Where Chromium is: $CHROMIUM_PATH, else /usr/bin/chromium. */
export function chromiumPath(): string {
  return Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
}

/** Is a Chromium binary there to drive? */
export function hasChromium(): boolean {
  try {
    return Deno.statSync(chromiumPath()).isFile;
  } catch {
    return false;
  }
}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  method: string;
}

/** One page (a target attached in flat mode) of a launched browser. */
export interface Page {
  /** Loads `url` and resolves when the load event fired. */
  goto(url: string): Promise<void>;
  /** Evaluates an expression in the page (promises awaited) and returns its JSON value. */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** Polls `expression` until it is truthy (or the time runs out, naming it). */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  /** A left click at page coordinates (CSS pixels), as a person's mouse makes it. */
  click(x: number, y: number): Promise<void>;
  /** Runs `source` in every document this page loads, before the page's own scripts. */
  addInitScript(source: string): Promise<void>;
  /** A PNG screenshot of the whole page. */
  screenshot(): Promise<Uint8Array>;
  /**
   * Console messages, uncaught exceptions and error log entries (failed
   * loads) the page has produced so far, one line each.
   */
  readonly messages: string[];
}

/** A running browser; `close` ends it and removes its profile folder. */
export interface Browser {
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile and connects to it. */
export async function launchChromium(): Promise<Browser> {
  const profile = await Deno.makeTempDir({ prefix: "explore-chromium-" });
  const child = new Deno.Command(chromiumPath(), {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();

  // Chromium prints "DevTools listening on ws://..." on stderr once it is ready.
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Chromium did not start within 20 s:\n${seen.slice(-2000)}`)),
      20_000,
    );
    (async () => {
      while (true) {
        const { value, done } = await reader.read();
        if (done) {
          clearTimeout(timer);
          reject(new Error(`Chromium exited before it listened:\n${seen.slice(-2000)}`));
          return;
        }
        seen += value;
        const m = seen.match(/DevTools listening on (ws:\/\/\S+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
          // Keep draining stderr so Chromium never blocks on a full pipe.
          (async () => {
            while (!(await reader.read()).done) { /* drain */ }
          })().catch(() => {});
          return;
        }
      }
    })().catch(reject);
  });

  const socket = new WebSocket(endpoint);
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`Cannot connect to Chromium at ${endpoint}`));
  });
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, ((params: Record<string, unknown>) => void)[]>();
  socket.onmessage = (event) => {
    const msg = JSON.parse(event.data as string);
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result ?? {});
    } else if (msg.method) {
      for (const f of listeners.get(`${msg.sessionId ?? ""}:${msg.method}`) ?? []) f(msg.params);
    }
  };
  const send = (
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject, method });
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  const on = (sessionId: string, method: string, f: (p: Record<string, unknown>) => void) => {
    const key = `${sessionId}:${method}`;
    listeners.set(key, [...(listeners.get(key) ?? []), f]);
  };

  const newPage = async ({ width = 1280, height = 1000 } = {}): Promise<Page> => {
    const { targetId } = await send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true }) as {
      sessionId: string;
    };
    const messages: string[] = [];
    on(sessionId, "Runtime.consoleAPICalled", (p) => {
      const args = (p.args as { value?: unknown; description?: string }[])
        .map((a) => a.value ?? a.description ?? "").join(" ");
      messages.push(`console.${p.type}: ${args}`);
    });
    on(sessionId, "Runtime.exceptionThrown", (p) => {
      const d = p.exceptionDetails as { text: string; exception?: { description?: string } };
      messages.push(`exception: ${d.exception?.description ?? d.text}`);
    });
    on(sessionId, "Log.entryAdded", (p) => {
      const entry = p.entry as { level: string; text: string; url?: string };
      if (entry.level === "error") messages.push(`log: ${entry.text} ${entry.url ?? ""}`.trim());
    });
    await send("Page.enable", {}, sessionId);
    await send("Runtime.enable", {}, sessionId);
    await send("Log.enable", {}, sessionId);
    await send(
      "Emulation.setDeviceMetricsOverride",
      { width, height, deviceScaleFactor: 1, mobile: false },
      sessionId,
    );
    const evaluate = async <T>(expression: string): Promise<T> => {
      const r = await send(
        "Runtime.evaluate",
        { expression, awaitPromise: true, returnByValue: true },
        sessionId,
      ) as { result: { value?: T }; exceptionDetails?: { exception?: { description?: string } } };
      if (r.exceptionDetails) {
        throw new Error(
          `page threw: ${r.exceptionDetails.exception?.description ?? "an exception"}`,
        );
      }
      return r.result.value as T;
    };
    return {
      messages,
      async goto(url) {
        const loaded = new Promise<void>((resolve) =>
          on(sessionId, "Page.loadEventFired", () => resolve())
        );
        const r = await send("Page.navigate", { url }, sessionId);
        if (r.errorText) throw new Error(`Cannot open ${url}: ${r.errorText}`);
        await loaded;
      },
      evaluate,
      async waitFor(expression, timeoutMs = 20_000) {
        const until = Date.now() + timeoutMs;
        while (!(await evaluate<boolean>(`Boolean(${expression})`))) {
          if (Date.now() > until) {
            throw new Error(
              `timed out after ${timeoutMs} ms waiting for ${expression}; page said:\n${
                messages.join("\n")
              }`,
            );
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      async click(x, y) {
        for (const type of ["mouseMoved", "mousePressed", "mouseReleased"]) {
          await send(
            "Input.dispatchMouseEvent",
            { type, x, y, button: "left", clickCount: type === "mouseMoved" ? 0 : 1 },
            sessionId,
          );
        }
      },
      async addInitScript(source) {
        await send("Page.addScriptToEvaluateOnNewDocument", { source }, sessionId);
      },
      async screenshot() {
        const { data } = await send(
          "Page.captureScreenshot",
          { format: "png", captureBeyondViewport: true },
          sessionId,
        ) as { data: string };
        return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      },
    };
  };

  return {
    newPage,
    async close() {
      try {
        await Promise.race([
          send("Browser.close"),
          new Promise((r) => setTimeout(r, 3000)),
        ]);
      } catch { /* already gone */ }
      socket.close();
      try {
        child.kill("SIGKILL");
      } catch { /* exited */ }
      await child.status;
      await reader.cancel().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** What {@link checkPage} saw. */
export interface PageCheck {
  /** Every <img>: its alt text and decoded size (0 × 0 when it failed). */
  images: { alt: string; naturalWidth: number; naturalHeight: number }[];
  /** Console errors, exceptions and failed loads, one line each. */
  errors: string[];
  /** The page title. */
  title: string;
  /** A PNG screenshot of the page. */
  screenshot: Uint8Array;
}

/** Loads `url` (e.g. a file:// URL), waits for every image, and reports what failed. */
export async function checkPage(url: string, timeoutMs = 60_000): Promise<PageCheck> {
  const browser = await launchChromium();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${url} did not settle within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      timeout,
      (async () => {
        const page = await browser.newPage({ width: 1200, height: 900 });
        await page.goto(url);
        await page.evaluate(
          "Promise.all([...document.images].map((i) => i.complete ? null : new Promise((r) => { i.onload = i.onerror = r; })))",
        );
        const images = await page.evaluate<PageCheck["images"]>(
          "[...document.images].map((i) => ({ alt: i.alt, naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight }))",
        );
        const title = await page.evaluate<string>("document.title");
        const screenshot = await page.screenshot();
        const errors = page.messages.filter((m) =>
          !m.startsWith("console.") || m.startsWith("console.error")
        );
        return { images, errors, title, screenshot };
      })(),
    ]);
  } finally {
    clearTimeout(timer);
    await browser.close();
  }
}
