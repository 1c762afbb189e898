// Progress on long work: a redrawn bar on a terminal, plain lines otherwise.

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Reports steps done, rate and ETA. */
export class Progress {
  readonly #total: number;
  readonly #first: number;
  readonly #tty: boolean;
  readonly #write: (text: string) => void;
  readonly #start = performance.now();
  #lastLine = 0;

  /**
   * @param total the last step; @param first the step the run starts from
   * (after a resume); @param tty redraw one line in place; @param write sink.
   */
  constructor(total: number, first: number, tty: boolean, write: (text: string) => void) {
    this.#total = total;
    this.#first = first;
    this.#tty = tty;
    this.#write = write;
  }

  /** Seconds since the start. */
  get elapsed(): number {
    return (performance.now() - this.#start) / 1000;
  }

  /** Steps per second so far. */
  get rate(): number {
    return this.#lastDone / Math.max(this.elapsed, 1e-9);
  }

  #lastDone = 0;

  /** Updates the display at `step` (1-based count of finished steps). */
  update(step: number, note: string, force = false): void {
    this.#lastDone = step - this.#first;
    const now = performance.now();
    const rate = this.rate;
    const eta = (this.#total - step) / rate;
    const pct = Math.floor((100 * step) / this.#total);
    if (this.#tty) {
      if (!force && now - this.#lastLine < 200 && step < this.#total) return;
      const width = 24;
      const filled = Math.round((width * step) / this.#total);
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      this.#write(
        `\r${bar} ${step}/${this.#total} ${pct}% ${rate.toFixed(2)} steps/s ETA ${
          duration(eta)
        } ${note}\x1b[K`,
      );
      if (step >= this.#total) this.#write("\n");
    } else {
      if (!force && now - this.#lastLine < 10_000 && step < this.#total) return;
      this.#write(
        `step ${step}/${this.#total} (${pct}%) ${rate.toFixed(2)} steps/s, ETA ${
          duration(eta)
        }, ${note}\n`,
      );
    }
    this.#lastLine = now;
  }

  /** Ends a redrawn line before other output. */
  interrupt(): void {
    if (this.#tty) this.#write("\n");
  }
}
