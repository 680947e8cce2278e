/**
 * A throwaway Redis Sentinel setup on loopback: one master, `replicas` replicas (default 1) on
 * consecutive ports from `basePort` (default `HARPIA_REDIS_SENTINEL_PORT` or 7200), and three
 * sentinels from `sentinelBasePort` (default `HARPIA_REDIS_SENTINEL_SENTINEL_PORT` or 27200)
 * watching it with quorum 2, `down-after-milliseconds` 2000 and a short failover timeout.
 * No persistence, files in a temporary directory, only the processes started here are killed.
 *
 * As a command: `bun scripts/topology/sentinel.ts` starts one and runs until interrupted.
 */
import path from "node:path";
import {
  ask,
  assertPortsFree,
  fields,
  NO_PERSISTENCE,
  portFromEnv,
  type RedisProcess,
  scratchDirectory,
  startRedis,
  waitFor,
} from "./redis-process";

/** Options of {@link startSentinel}. */
export interface SentinelOptions {
  /** Port of the first data node (default `HARPIA_REDIS_SENTINEL_PORT`, else 7200). */
  basePort?: number;
  /** Port of the first sentinel (default `HARPIA_REDIS_SENTINEL_SENTINEL_PORT`, else 27200). */
  sentinelBasePort?: number;
  /** Replicas of the master (default 1). */
  replicas?: number;
  /** The monitored master's name (default `"mymaster"`). */
  name?: string;
  /**
   * `down-after-milliseconds` (default 2000). A sentinel pings an instance it starts watching
   * (the new master, after a failover) only after one second: at 1000 ms, sentinels that just
   * switched may flag the new master down at once and fail over again.
   */
  downAfterMs?: number;
  /** `failover-timeout` (default 3000). */
  failoverTimeoutMs?: number;
  /** Longest wait for the setup to be ready (default 20 s). */
  readyTimeoutMs?: number;
}

/** A running Sentinel setup. */
export interface SentinelHandle {
  /** The master's name, for clients' `name` option. */
  readonly name: string;
  /** The sentinels, for clients' `sentinels` option. */
  readonly sentinels: { host: string; port: number }[];
  /** Ports of the data nodes (master first, as started). */
  readonly dataPorts: number[];
  /** The processes, by port (data nodes and sentinels). */
  readonly processes: ReadonlyMap<number, RedisProcess>;
  /** PIDs of every process started. */
  readonly pids: number[];
  /** The temporary directory. */
  readonly dir: string;
  /** The master's port according to the sentinels now. */
  masterPort(): number | undefined;
  /** Ports of the live data nodes other than the current master. */
  replicaPorts(): number[];
  /** SIGKILLs the current master; the sentinels promote a replica after `downAfterMs` and a vote. */
  killMaster(): Promise<{ port: number; pid: number; killedAt: number }>;
  /**
   * Waits until a live master is known to every sentinel and has `replicas` replicas in sync
   * (default: all live data nodes but the master).
   */
  waitHealthy(timeoutMs?: number, replicas?: number): Promise<void>;
  /** Kills every process started and removes the directory. */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";

/** Starts a master, its replicas and three sentinels, and waits until all know each other. */
export async function startSentinel(options: SentinelOptions = {}): Promise<SentinelHandle> {
  const basePort = options.basePort ?? portFromEnv("HARPIA_REDIS_SENTINEL_PORT", 7200);
  const sentinelBase = options.sentinelBasePort ?? portFromEnv("HARPIA_REDIS_SENTINEL_SENTINEL_PORT", 27200);
  const replicas = options.replicas ?? 1;
  const name = options.name ?? "mymaster";
  const downAfter = options.downAfterMs ?? 2000;
  const failoverTimeout = options.failoverTimeoutMs ?? 3000;
  const readyTimeout = options.readyTimeoutMs ?? 20_000;
  const dataPorts = Array.from({ length: 1 + replicas }, (_, i) => basePort + i);
  const sentinelPorts = [0, 1, 2].map((i) => sentinelBase + i);
  await assertPortsFree(dataPorts, "HARPIA_REDIS_SENTINEL_PORT");
  await assertPortsFree(sentinelPorts, "HARPIA_REDIS_SENTINEL_SENTINEL_PORT");

  const scratch = scratchDirectory("sentinel");
  const processes = new Map<number, RedisProcess>();
  const pids: number[] = [];
  const track = (process: RedisProcess) => {
    processes.set(process.port, process);
    pids.push(process.pid);
  };
  const stop = async () => {
    await Promise.all([...processes.values()].map((p) => p.kill()));
    scratch.remove();
  };
  const running = (port: number) => processes.get(port)?.running === true;

  const masterPort = (): number | undefined => {
    for (const port of sentinelPorts.filter(running)) {
      const reply = ask(port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", name);
      const lines = reply?.trim().split("\n");
      if (lines?.length === 2) return Number(lines[1]);
    }
    return undefined;
  };
  const healthy = (wanted: number): boolean => {
    const ports = sentinelPorts.filter(running).map((port) => {
      const lines = ask(port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", name)?.trim().split("\n");
      return lines?.length === 2 ? Number(lines[1]) : undefined;
    });
    const master = ports[0];
    if (master === undefined || !running(master) || ports.some((port) => port !== master)) return false;
    const info = fields(ask(master, "INFO", "replication"));
    if (info.role !== "master") return false;
    const synced = Object.entries(info).filter(
      ([key, value]) => /^slave\d+$/.test(key) && value.includes("state=online"),
    ).length;
    if (synced < wanted) return false;
    // Every sentinel knows the others (needed for the quorum) and the replicas.
    return sentinelPorts.filter(running).every((port) => {
      const state = fields(ask(port, "INFO", "sentinel"));
      return (state.master0 ?? "").includes("status=ok") && (state.master0 ?? "").includes("sentinels=3");
    });
  };

  try {
    const master = await startRedis(dataPorts[0]!, scratch.dir, NO_PERSISTENCE);
    track(master);
    for (const replica of await Promise.all(
      dataPorts
        .slice(1)
        .map((port) =>
          startRedis(port, scratch.dir, [...NO_PERSISTENCE, "--replicaof", HOST, String(dataPorts[0])]),
        ),
    ))
      track(replica);
    for (const sentinel of await Promise.all(
      sentinelPorts.map(async (port) => {
        // A sentinel rewrites its configuration file, so each gets its own.
        const file = path.join(scratch.dir, `sentinel-${port}.conf`);
        await Bun.write(
          file,
          [
            `sentinel monitor ${name} ${HOST} ${dataPorts[0]} 2`,
            `sentinel down-after-milliseconds ${name} ${downAfter}`,
            `sentinel failover-timeout ${name} ${failoverTimeout}`,
            `sentinel parallel-syncs ${name} 1`,
            "",
          ].join("\n"),
        );
        return startRedis(port, scratch.dir, ["--sentinel"], file);
      }),
    ))
      track(sentinel);
    await waitFor("the sentinels to know each other and the replicas", () => healthy(replicas), readyTimeout);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    name,
    sentinels: sentinelPorts.map((port) => ({ host: HOST, port })),
    dataPorts,
    processes,
    pids,
    dir: scratch.dir,
    masterPort,
    replicaPorts() {
      const master = masterPort();
      return dataPorts.filter((port) => port !== master && running(port));
    },
    async killMaster() {
      const port = masterPort();
      if (port === undefined) throw new Error("The sentinels know no master");
      const victim = processes.get(port)!;
      const killedAt = Date.now();
      await victim.kill();
      return { port, pid: victim.pid, killedAt };
    },
    waitHealthy(timeoutMs = readyTimeout, wanted?: number) {
      const expected = wanted ?? dataPorts.filter(running).length - 1;
      return waitFor("a healthy master behind the sentinels", () => healthy(expected), timeoutMs);
    },
    stop,
  };
}

if (import.meta.main) {
  const setup = await startSentinel();
  console.log(`Redis Sentinel up in ${setup.dir}`);
  console.log(`master "${setup.name}" on ${setup.masterPort()}, data nodes: ${setup.dataPorts.join(",")}`);
  console.log(`sentinels: ${setup.sentinels.map((s) => `${s.host}:${s.port}`).join(",")}`);
  console.log(`pids: ${setup.pids.join(" ")}  (Ctrl-C stops them)`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await setup.stop();
}
