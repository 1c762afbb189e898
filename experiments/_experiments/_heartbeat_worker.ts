// The heartbeat of a claim, on a thread of its own so that a long synchronous
// stretch of training (a big metric, a slow step) never makes a live claim
// look dead. Every `intervalSeconds` it touches the claim file; if the next
// generation of the claim exists, another process has taken the run over
// (this one was silent too long): it says so, and with `exitOnLost` ends the
// process so that two writers never share a run folder for long.
import { existsSync, utimesSync } from "node:fs";

interface Start {
  path: string;
  next: string;
  intervalSeconds: number;
  exitOnLost: boolean;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Start>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  const { path, next, intervalSeconds, exitOnLost } = event.data;
  const beat = () => {
    if (existsSync(next)) {
      clearInterval(timer);
      scope.postMessage({ lost: true });
      if (exitOnLost) {
        console.error(
          `error: Cannot keep the claim ${path}: another process took the run over (${next}); stopping`,
        );
        try {
          Deno.kill(Deno.pid, "SIGTERM");
        } catch { /* no --allow-run: the main thread is told */ }
      }
      return;
    }
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch { /* the claim was released or removed: the main thread stops this thread */ }
  };
  const timer = setInterval(beat, intervalSeconds * 1000);
  beat();
  scope.postMessage({ ready: true });
};
