// Which Redis the Redis tests of every package run on: the single node at REDIS_URL by default,
// or the Cluster / Sentinel setup named by HARPIA_TEST_REDIS (set by `bun run test:topologies`,
// see scripts/test-topologies.ts), so one test file covers every topology.
import { Cluster, Redis } from "ioredis";
import type { RedisClient, RedisConnection } from "../../src/index";
import { REDIS_URL } from "./redis";

/** The kinds of Redis deployment the tests run on. */
export type TopologyKind = "single" | "cluster" | "sentinel";

/** The Redis a test run targets. */
export interface TestRedis {
  readonly kind: TopologyKind;
  /** For test names: `single node`, `Cluster`, `Sentinel`. */
  readonly label: string;
  /**
   * A `RedisStore` connection to it (a fresh object each call); with `name`, its connections
   * are named so (`CLIENT SETNAME`: ioredis's `connectionName`, on every node of a Cluster).
   */
  connection(name?: string): RedisConnection;
  /** An ioredis client of the test's own (`Redis` or `Cluster`), closed by the test. */
  client(options?: { keyPrefix?: string }): RedisClient;
}

type Address = { host: string; port: number };

function parseAddresses(list: string): Address[] {
  return list.split(",").map((entry) => {
    const at = entry.lastIndexOf(":");
    const port = Number(entry.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port)) throw new Error(`HARPIA_TEST_REDIS: bad address "${entry}"`);
    return { host: entry.slice(0, at), port };
  });
}

const addressList = (nodes: Address[]) => nodes.map((n) => `${n.host}:${n.port}`).join(",");

/** The HARPIA_TEST_REDIS value naming a cluster. */
export function clusterSpec(nodes: Address[]): string {
  return `cluster=${addressList(nodes)}`;
}

/** The HARPIA_TEST_REDIS value naming a Sentinel-managed master. */
export function sentinelSpec(name: string, sentinels: Address[]): string {
  return `sentinel=${name}@${addressList(sentinels)}`;
}

/** Reads a HARPIA_TEST_REDIS value (unset: the single node at REDIS_URL). */
export function parseTarget(spec: string | undefined): TestRedis {
  if (spec === undefined || spec === "" || spec === "single") {
    return {
      kind: "single",
      label: "single node",
      connection: (name) => ({ url: REDIS_URL, options: name ? { connectionName: name } : undefined }),
      client: (options = {}) => new Redis(REDIS_URL, options),
    };
  }
  if (spec.startsWith("cluster=")) {
    const nodes = parseAddresses(spec.slice("cluster=".length));
    return {
      kind: "cluster",
      label: "Cluster",
      connection: (name) => ({
        cluster: nodes.map((n) => ({ ...n })),
        options: name ? { redisOptions: { connectionName: name } } : undefined,
      }),
      client: (options = {}) => new Cluster(nodes, { keyPrefix: options.keyPrefix }),
    };
  }
  const sentinel = /^sentinel=([^@]+)@(.+)$/.exec(spec);
  if (sentinel) {
    const name = sentinel[1]!;
    const sentinels = parseAddresses(sentinel[2]!);
    return {
      kind: "sentinel",
      label: "Sentinel",
      connection: (connectionName) => ({
        sentinels: sentinels.map((s) => ({ ...s })),
        name,
        ...(connectionName ? { connectionName } : {}),
      }),
      client: (options = {}) => new Redis({ sentinels, name, ...options }),
    };
  }
  throw new Error(
    `HARPIA_TEST_REDIS must be "cluster=host:port,..." or "sentinel=name@host:port,...": ${spec}`,
  );
}

/** The Redis this test run targets. */
export const testRedis: TestRedis = parseTarget(process.env.HARPIA_TEST_REDIS);
