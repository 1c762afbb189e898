/**
 * A one-node Slurm cluster on localhost for the tests: munged, slurmctld and
 * slurmd (Debian's slurm-wlm and munge) started as root with a generated
 * slurm.conf (proctrack/linuxproc, task/none, select/cons_tres, this
 * machine's real CPU count and memory), private ports, and every state,
 * spool, log and socket file in one temporary folder. `stop()` ends exactly
 * the processes it started, by their pids, and removes the folder.
 */
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

/** A running cluster. */
export interface SlurmCluster {
  /** The temporary folder with slurm.conf, logs, state and spool. */
  readonly dir: string;
  /** SLURM_CONF and PATH-free environment for sbatch/squeue/sinfo. */
  readonly env: Record<string, string>;
  /** The node's name. */
  readonly node: string;
  /** Runs a Slurm client command; throws with its stderr on failure. */
  run(command: string, args: string[]): Promise<string>;
  /** Stops the daemons it started (SIGTERM, then SIGKILL) and removes the folder. */
  stop(): Promise<void>;
}

const DAEMONS = ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch"];

/** Why a Slurm test cannot run here, or null when it can. */
export function slurmUnavailable(): string | null {
  if (Deno.build.os !== "linux") return `not Linux (${Deno.build.os})`;
  if (Deno.uid() !== 0) return "not root (the daemons start as root)";
  const missing = DAEMONS.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    return `slurm is not installed (no ${missing.join(", ")}; apt-get install slurm-wlm munge)`;
  }
  return null;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts the cluster and waits (at most `timeoutMs`) until sinfo shows the node idle. */
export async function startSlurm({ timeoutMs = 60_000 } = {}): Promise<SlurmCluster> {
  const why = slurmUnavailable();
  if (why) throw new Error(`Cannot start Slurm: ${why}`);
  const dir = await Deno.makeTempDir({ prefix: "slurm-test-" });
  for (const sub of ["state", "spool", "munge", "log"]) await Deno.mkdir(join(dir, sub));
  await Deno.chmod(join(dir, "munge"), 0o700);
  const node = Deno.hostname().split(".")[0];
  const cpus = navigator.hardwareConcurrency;
  const memory = Math.floor((os.totalmem() / 2 ** 20) * 0.9); // MB, below what slurmd finds
  const [ctlPort, dPort] = [freePort(), freePort()];
  const socket = join(dir, "munge", "munge.socket");
  const key = join(dir, "munge", "munge.key");
  await Deno.writeFile(key, crypto.getRandomValues(new Uint8Array(1024)), { mode: 0o400 });
  const conf = join(dir, "slurm.conf");
  await Deno.writeTextFile(
    conf,
    [
      "ClusterName=vaetest",
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctlPort}`,
      `SlurmdPort=${dPort}`,
      "SlurmUser=root",
      "SlurmdUser=root",
      "AuthType=auth/munge",
      "CredType=cred/munge",
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, "state")}`,
      `SlurmdSpoolDir=${join(dir, "spool")}`,
      `SlurmctldPidFile=${join(dir, "slurmctld.pid")}`,
      `SlurmdPidFile=${join(dir, "slurmd.pid")}`,
      `SlurmctldLogFile=${join(dir, "log", "slurmctld.log")}`,
      `SlurmdLogFile=${join(dir, "log", "slurmd.log")}`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_Core_Memory",
      "SchedulerType=sched/backfill",
      "MpiDefault=none",
      "ReturnToService=2",
      "JobCompType=jobcomp/none",
      "JobAcctGatherType=jobacct_gather/none",
      "AccountingStorageType=accounting_storage/none",
      "SlurmctldTimeout=30",
      "SlurmdTimeout=30",
      "InactiveLimit=0",
      "MinJobAge=300",
      "KillWait=5",
      "Waittime=0",
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memory} State=UNKNOWN`,
      "PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO",
      "",
    ].join("\n"),
  );
  const env = { SLURM_CONF: conf };
  const started: Deno.ChildProcess[] = [];
  const start = (path: string, args: string[], log: string) => {
    const child = new Deno.Command(path, {
      args,
      env,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // Keep what the daemon says on stderr for the error message.
    const text: string[] = [];
    (async () => {
      for await (const chunk of child.stderr) text.push(new TextDecoder().decode(chunk));
      await Deno.writeTextFile(join(dir, "log", log), text.join("")).catch(() => {});
    })();
    started.push(child);
    return child;
  };
  const run = async (command: string, args: string[]) => {
    const out = await new Deno.Command(command, { args, env, stdout: "piped", stderr: "piped" })
      .output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    if (!out.success) {
      throw new Error(`${command} ${args.join(" ")} failed: ${decode(out.stderr).trim()}`);
    }
    return decode(out.stdout);
  };
  const stop = async () => {
    for (const child of started.reverse()) {
      try {
        child.kill("SIGTERM");
      } catch { /* already ended */ }
      const ended = await Promise.race([
        child.status.then(() => true),
        sleep(10_000).then(() => false),
      ]);
      if (!ended) {
        try {
          child.kill("SIGKILL");
        } catch { /* already ended */ }
        await child.status;
      }
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const cluster: SlurmCluster = { dir, env, node, run, stop };
  try {
    start("/usr/sbin/munged", [
      "--foreground",
      "--force",
      `--socket=${socket}`,
      `--key-file=${key}`,
      `--pid-file=${join(dir, "munge", "munged.pid")}`,
      `--seed-file=${join(dir, "munge", "munged.seed")}`,
      `--log-file=${join(dir, "log", "munged.log")}`,
    ], "munged.stderr");
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(socket)) {
      if (Date.now() > deadline) throw new Error("munged did not create its socket");
      await sleep(100);
    }
    start("/usr/sbin/slurmctld", ["-D", "-i", "-f", conf], "slurmctld.stderr");
    start("/usr/sbin/slurmd", ["-D", "-f", conf, "-N", node], "slurmd.stderr");
    let state = "";
    while (true) {
      state = await run("/usr/bin/sinfo", ["-h", "-N", "-o", "%t"]).catch((e) => String(e));
      if (state.trim() === "idle") break;
      if (Date.now() > deadline) {
        const log = (f: string) =>
          existsSync(join(dir, "log", f))
            ? readFileSync(join(dir, "log", f), "utf8").slice(-2000)
            : "";
        throw new Error(
          `Cannot start Slurm: the node is not idle after ${
            timeoutMs / 1000
          } s (sinfo: ${state.trim()})\n` +
            `slurmctld.log:\n${log("slurmctld.log")}\nslurmd.log:\n${log("slurmd.log")}`,
        );
      }
      await sleep(250);
    }
    return cluster;
  } catch (e) {
    await stop();
    throw e;
  }
}
