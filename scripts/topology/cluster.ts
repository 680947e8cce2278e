/**
 * A throwaway Redis Cluster on loopback: `masters` masters with `replicasPerMaster` replicas
 * each (default 3 + 3), on consecutive ports from `basePort` (default `HARPIA_REDIS_CLUSTER_PORT`
 * or 7100; the cluster bus uses port + 10000). No persistence, files in a temporary directory,
 * and only the processes started here are ever killed.
 *
 * As a command: `bun scripts/topology/cluster.ts` starts one, prints its nodes and runs until
 * interrupted (Ctrl-C), then tears it down.
 */
import path from "node:path";
import {
  ask,
  assertPortsFree,
  fields,
  NO_PERSISTENCE,
  portFromEnv,
  type RedisProcess,
  redisCli,
  scratchDirectory,
  startRedis,
  waitFor,
} from "./redis-process";

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** First port (default `HARPIA_REDIS_CLUSTER_PORT`, else 7100). */
  basePort?: number;
  /** Masters (default 3). */
  masters?: number;
  /** Replicas of each master (default 1). */
  replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a master may be unreachable before failover (default 1000 ms). */
  nodeTimeoutMs?: number;
  /** Longest wait for the cluster to form (default 20 s). */
  readyTimeoutMs?: number;
}

/** A node of the cluster as seen by `CLUSTER NODES`. */
export interface ClusterNodeState {
  id: string;
  port: number;
  /** For a replica, the id of its master. */
  masterId: string | undefined;
  role: "master" | "replica";
  failed: boolean;
  /** Slot ranges served (masters). */
  slots: string[];
}

/** A running cluster. */
export interface ClusterHandle {
  /** Startup nodes for a client (every node). */
  readonly nodes: { host: string; port: number }[];
  /** The processes, by port. */
  readonly processes: ReadonlyMap<number, RedisProcess>;
  /** The temporary directory holding node configs and logs. */
  readonly dir: string;
  /** PIDs of every process started (running or not). */
  readonly pids: number[];
  /** The cluster as one live node sees it. */
  state(): ClusterNodeState[];
  /** The port of the master serving `slot` now. */
  masterOfSlot(slot: number): number;
  /** Ports of the live replicas of the master on `port`. */
  replicasOf(port: number): number[];
  /** The slot of a key (or shard channel), as the cluster computes it (`CLUSTER KEYSLOT`). */
  keySlot(key: string): number;
  /**
   * SIGKILLs the master serving `slot` (default 0) and returns it, with the time of the kill.
   * The cluster's replica of it is promoted after `nodeTimeoutMs` and an election.
   */
  killMaster(slot?: number): Promise<{ port: number; pid: number; killedAt: number }>;
  /** Waits until every live node reports `cluster_state:ok` and all 16384 slots are served by live masters. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Kills every process started and removes the directory. */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const SLOTS = 16384;

/** Parses `CLUSTER NODES`. */
function parseNodes(text: string): ClusterNodeState[] {
  const out: ClusterNodeState[] = [];
  for (const line of text.split("\n")) {
    const parts = line.trim().split(" ");
    if (parts.length < 8) continue;
    const port = Number(parts[1]!.split("@")[0]!.split(":").at(-1));
    const flags = parts[2]!.split(",");
    out.push({
      id: parts[0]!,
      port,
      masterId: parts[3] === "-" ? undefined : parts[3],
      role: flags.includes("master") ? "master" : "replica",
      failed: flags.includes("fail") || flags.includes("fail?") || parts[7] === "disconnected",
      slots: parts.slice(8).filter((s) => !s.startsWith("[")),
    });
  }
  return out;
}

function slotInRange(slot: number, range: string): boolean {
  const [from, to] = range.split("-").map(Number);
  return slot >= from! && slot <= (to ?? from)!;
}

/** Starts a cluster and waits until it serves every slot and every replica is in sync. */
export async function startCluster(options: ClusterOptions = {}): Promise<ClusterHandle> {
  const basePort = options.basePort ?? portFromEnv("HARPIA_REDIS_CLUSTER_PORT", 7100);
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 1;
  const nodeTimeout = options.nodeTimeoutMs ?? 1000;
  const readyTimeout = options.readyTimeoutMs ?? 20_000;
  const count = masters * (1 + replicas);
  const ports = Array.from({ length: count }, (_, i) => basePort + i);
  await assertPortsFree([...ports, ...ports.map((p) => p + 10_000)], "HARPIA_REDIS_CLUSTER_PORT");

  const scratch = scratchDirectory("cluster");
  const processes = new Map<number, RedisProcess>();
  const pids: number[] = [];
  const stop = async () => {
    await Promise.all([...processes.values()].map((p) => p.kill()));
    scratch.remove();
  };

  const livePorts = () => [...processes.values()].filter((p) => p.running).map((p) => p.port);
  const state = (): ClusterNodeState[] => {
    for (const port of livePorts()) {
      const text = ask(port, "CLUSTER", "NODES");
      if (text) return parseNodes(text);
    }
    return [];
  };
  const masterOfSlot = (slot: number): number => {
    const master = state().find(
      (node) => node.role === "master" && !node.failed && node.slots.some((r) => slotInRange(slot, r)),
    );
    if (!master) throw new Error(`No live master serves slot ${slot}`);
    return master.port;
  };
  const healthy = (): boolean => {
    const alive = livePorts();
    for (const port of alive) {
      const info = fields(ask(port, "CLUSTER", "INFO"));
      if (info.cluster_state !== "ok" || Number(info.cluster_slots_ok) !== SLOTS) return false;
    }
    const nodes = state().filter((node) => alive.includes(node.port));
    for (const node of nodes) {
      if (node.failed) return false;
      if (
        node.role === "replica" &&
        fields(ask(node.port, "INFO", "replication")).master_link_status !== "up"
      )
        return false;
    }
    return nodes.filter((node) => node.role === "master").length === masters;
  };
  const waitHealthy = (timeoutMs = readyTimeout) => waitFor("the cluster to be healthy", healthy, timeoutMs);

  try {
    const started = await Promise.all(
      ports.map((port) =>
        startRedis(port, scratch.dir, [
          ...NO_PERSISTENCE,
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          path.join(scratch.dir, `nodes-${port}.conf`),
          "--cluster-node-timeout",
          String(nodeTimeout),
          // The other shards keep serving while one has no master (the default stops them all).
          "--cluster-require-full-coverage",
          "no",
        ]),
      ),
    );
    for (const process of started) {
      processes.set(process.port, process);
      pids.push(process.pid);
    }
    redisCli(
      [
        "--cluster",
        "create",
        ...ports.map((port) => `${HOST}:${port}`),
        "--cluster-replicas",
        String(replicas),
        "--cluster-yes",
      ],
      readyTimeout,
    );
    await waitHealthy();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    nodes: ports.map((port) => ({ host: HOST, port })),
    processes,
    dir: scratch.dir,
    pids,
    state,
    masterOfSlot,
    replicasOf(port) {
      const nodes = state();
      const master = nodes.find((node) => node.port === port);
      return nodes
        .filter((node) => master !== undefined && node.masterId === master.id && !node.failed)
        .map((node) => node.port);
    },
    keySlot(key) {
      for (const port of livePorts()) {
        const reply = ask(port, "CLUSTER", "KEYSLOT", key);
        if (reply !== undefined) return Number(reply.trim());
      }
      throw new Error("No live node of the cluster answers");
    },
    async killMaster(slot = 0) {
      const port = masterOfSlot(slot);
      const victim = processes.get(port)!;
      const killedAt = Date.now();
      await victim.kill();
      return { port, pid: victim.pid, killedAt };
    },
    waitHealthy,
    stop,
  };
}

if (import.meta.main) {
  const cluster = await startCluster();
  const masters = cluster.state().filter((node) => node.role === "master");
  console.log(`Redis Cluster up in ${cluster.dir}`);
  console.log(`nodes: ${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(",")}`);
  console.log(`masters: ${masters.map((n) => `${n.port} [${n.slots.join(" ")}]`).join(", ")}`);
  console.log(`pids: ${cluster.pids.join(" ")}  (Ctrl-C stops them)`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await cluster.stop();
}
