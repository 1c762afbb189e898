// --jobs N: trains a study's pending runs on N local worker processes. Each
// worker is exactly what a cluster task runs (`experiment.ts NAME ...
// --run-index I`, with DISENTANGLE_THREADS set), started afresh for each run,
// so runs are shared out as workers free up, and claims keep any other
// process on the same folder (another --jobs, a Slurm array) from training a
// run twice. Output: one progress line per worker, redrawn on a terminal;
// on a pipe, a line per event and the workers' progress every 30 s. Each
// run's full output goes to study/logs/<run>.log.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../data/write_file_atomic.ts";
import type { RunIo } from "../_train/run_training.ts";
import { runDir } from "./_finished_run.ts";
import type { Study } from "./open_study.ts";
import { readClaim } from "./read_claim.ts";
import { experimentCommand, studyArgs } from "./study_args.ts";
import { runLabel } from "./train_planned_run.ts";

/** Options of {@link runWorkers}. */
export interface WorkerOptions {
  /** Worker processes at once. */
  readonly jobs: number;
  /** Threads of each worker (DISENTANGLE_THREADS). */
  readonly threads: number;
  /** Seconds without a heartbeat before a claim is taken over. */
  readonly staleAfter: number;
  readonly io: RunIo;
}

/** A run that failed in a worker. */
export interface FailedRun {
  readonly index: number;
  readonly id: string;
  readonly error: string;
  /** The worker's output. */
  readonly log: string;
}

interface Slot {
  readonly index: number;
  readonly child: Deno.ChildProcess;
  readonly started: number;
  readonly log: Deno.FsFile;
  status: string;
  lastError: string;
  lastLine: string;
  exit: Promise<Deno.CommandStatus>;
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** A progress frame of the trainer, without its bar: "40/120 33% 4.10 steps/s ETA 20s …". */
function cleanStatus(text: string): string {
  return text.replace(ANSI, "").replace(/[█░]+\s*/g, "").trim();
}

/**
 * Trains the runs `indices` of `study` on worker processes; returns those
 * that failed (the others finished, here or in another process).
 */
export async function runWorkers(
  study: Study,
  indices: readonly number[],
  options: WorkerOptions,
): Promise<FailedRun[]> {
  const { jobs, threads, staleAfter, io } = options;
  const logDir = join(study.dir, "study", "logs");
  await mkdir(logDir, { recursive: true });
  const total = study.plan.length;
  const queue = [...indices];
  const elsewhere = new Set<number>();
  const failed: FailedRun[] = [];
  const slots: (Slot | null)[] = Array.from({ length: jobs }, () => null);
  let finished = 0;
  const command = experimentCommand();
  const args = studyArgs(study);
  const encoder = new TextEncoder();

  // Display: a block of one line per worker, redrawn in place on a terminal.
  let drawn = 0;
  const width = () => {
    try {
      return Deno.consoleSize().columns;
    } catch {
      return 120;
    }
  };
  const workerLine = (n: number) => {
    const slot = slots[n];
    const text = slot
      ? `[${n + 1}] ${runLabel(study.plan[slot.index], slot.index, total)}: ${
        slot.status || "starting"
      }`
      : `[${n + 1}] idle`;
    return text.slice(0, width() - 1);
  };
  const clear = () => {
    if (io.tty && drawn > 0) io.write(`\x1b[${drawn}A\r\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    if (!io.tty) return;
    clear();
    const lines = [
      `${finished} of ${indices.length} finished, ${queue.length} queued${
        elsewhere.size ? `, ${elsewhere.size} in other processes` : ""
      }${failed.length ? `, ${failed.length} failed` : ""}`,
      ...slots.map((_, n) => workerLine(n)),
    ];
    io.write(lines.map((l) => `${l}\x1b[K\n`).join(""));
    drawn = lines.length;
  };
  const event = (line: string) => {
    clear();
    io.log(line);
    draw();
  };
  let lastReport = performance.now();
  const report = () => {
    if (io.tty || performance.now() - lastReport < 30_000) return;
    lastReport = performance.now();
    for (const [n, slot] of slots.entries()) if (slot) io.log(`  ${workerLine(n)}`);
  };

  const pump = async (slot: Slot, stream: ReadableStream<Uint8Array>, isError: boolean) => {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of stream) {
      pending += decoder.decode(chunk, { stream: true });
      // A frame ends at "\r" (redrawn progress) or "\n" (a line for the log).
      let at: number;
      while ((at = pending.search(/[\r\n]/)) >= 0) {
        const piece = pending.slice(0, at);
        const end = pending[at];
        pending = pending.slice(at + 1);
        const clean = cleanStatus(piece);
        if (clean !== "") {
          slot.status = clean;
          if (end === "\n") {
            slot.lastLine = clean;
            if (clean.startsWith("error: ") || (isError && !clean.startsWith("warning"))) {
              slot.lastError = clean.replace(/^error: /, "");
            }
          }
        }
        if (end === "\n") await slot.log.write(encoder.encode(cleanStatus(piece) + "\n"));
      }
    }
  };

  const spawn = async (n: number, index: number) => {
    const run = study.plan[index];
    const log = await Deno.open(join(logDir, `${run.id}.log`), {
      create: true,
      append: true,
    });
    await log.write(
      encoder.encode(`== ${new Date().toISOString()}: worker ${n + 1}, run index ${index}\n`),
    );
    const child = new Deno.Command(command[0], {
      args: [
        ...command.slice(1),
        ...args,
        "--run-index",
        String(index),
        "--threads",
        String(threads),
        "--stale-after",
        String(staleAfter),
      ],
      env: { DISENTANGLE_THREADS: String(threads), DISENTANGLE_STUDY_WORKER: "1", NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const slot: Slot = {
      index,
      child,
      started: performance.now(),
      log,
      status: "",
      lastError: "",
      lastLine: "",
      exit: Promise.resolve({ success: false, code: -1, signal: null }),
    };
    const streams = Promise.all([
      pump(slot, child.stdout, false),
      pump(slot, child.stderr, true),
    ]);
    slot.exit = streams.then(() => child.status);
    slots[n] = slot;
    event(`[${n + 1}] ${runLabel(run, index, total)}: started (pid ${child.pid})`);
  };

  const settle = (n: number, slot: Slot, status: Deno.CommandStatus) => {
    slots[n] = null;
    slot.log.close();
    const run = study.plan[slot.index];
    const where = `[${n + 1}] ${runLabel(run, slot.index, total)}`;
    const logPath = join(logDir, `${run.id}.log`);
    if (status.success && existsSync(join(runDir(run), "summary.json"))) {
      finished++;
      event(
        `${where}: finished in ${
          seconds(performance.now() - slot.started)
        } (${finished} of ${indices.length})`,
      );
    } else if (status.success) {
      // The worker found the run claimed by a live process elsewhere.
      elsewhere.add(slot.index);
      event(`${where}: ${slot.lastLine || "held by another process"}`);
    } else {
      const how = status.signal ? `killed by ${status.signal}` : `exit ${status.code}`;
      const error = status.signal
        ? `its worker was ${how}`
        : slot.lastError || slot.lastLine || how;
      failed.push({ index: slot.index, id: run.id, error, log: logPath });
      event(`${where}: failed (${how}): ${error}; its output: ${logPath}`);
      // A worker killed outright leaves its claim marked running: mark it failed for it,
      // so the index says what happened and the next attempt need not wait for it to go stale.
      closing.push(markFailed(run.id, slot.child.pid, error));
    }
  };
  const closing: Promise<void>[] = [];
  const markFailed = async (id: string, pid: number, error: string) => {
    const view = await readClaim(study.claimsDir, id, { staleAfter });
    if (view?.record.state !== "running" || view.record.pid !== pid) return;
    await writeFileAtomic(
      view.path,
      JSON.stringify(
        { ...view.record, state: "failed", error, releasedAt: new Date().toISOString() },
        null,
        2,
      ) + "\n",
    );
  };

  let lastLook = 0;
  try {
    while (queue.length > 0 || slots.some((s) => s) || elsewhere.size > 0) {
      for (let n = 0; n < jobs && queue.length > 0; n++) {
        if (slots[n] === null) await spawn(n, queue.shift()!);
      }
      draw();
      const running = slots.flatMap((s, n) => (s ? [s.exit.then((st) => ({ n, s, st }))] : []));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = new Promise<null>((r) => timer = setTimeout(() => r(null), 1000));
      const first = await Promise.race([...running, tick]);
      clearTimeout(timer);
      if (first) settle(first.n, first.s, first.st);
      report();
      if (elsewhere.size > 0 && performance.now() - lastLook > 2000) {
        lastLook = performance.now();
        for (const index of [...elsewhere]) {
          const run = study.plan[index];
          if (existsSync(join(runDir(run), "summary.json"))) {
            elsewhere.delete(index);
            finished++;
            event(`${runLabel(run, index, total)}: finished in another process`);
            continue;
          }
          const claim = await readClaim(study.claimsDir, run.id, { staleAfter });
          if (!claim?.alive) {
            elsewhere.delete(index);
            queue.unshift(index);
          }
        }
      }
    }
  } finally {
    for (const slot of slots) {
      if (!slot) continue;
      try {
        slot.child.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    clear();
  }
  await Promise.all(closing);
  return failed;
}
