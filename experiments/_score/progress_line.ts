// Progress of the long metrics (DCI, explicitness fit one classifier per
// factor): one line redrawn in place on a terminal, nothing otherwise.

/** A progress callback for computeMetrics that redraws `metric done/total (s)` on `write`. */
export function progressLine(
  write: (text: string) => void,
): (metric: string, done: number, total: number) => void {
  let started = performance.now();
  let current = "";
  return (metric, done, total) => {
    if (metric !== current) {
      current = metric;
      started = performance.now();
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    const width = 20;
    const filled = Math.round((width * done) / total);
    write(
      `\r${metric} ${"█".repeat(filled)}${
        "░".repeat(width - filled)
      } factor ${done}/${total} ${seconds}s\x1b[K`,
    );
    if (done === total) write("\r\x1b[K");
  };
}
