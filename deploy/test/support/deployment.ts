/**
 * The whole deployment on loopback: a Redis Cluster (the one `bun run test:topologies` started,
 * named by `HARPIA_TEST_REDIS=cluster=...`, else one of its own), three app instances, each its
 * own `bun` process on its own port, and nginx in front of them.
 *
 * Ports: nginx on `HARPIA_DEPLOY_PORT` (default 7300), the instances on the next three; a
 * cluster of its own from `HARPIA_DEPLOY_REDIS_PORT` (default 7400, bus ports + 10000).
 */
import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ClusterHandle, startCluster } from "../../../scripts/topology/cluster";
import { assertPortsFree, portFromEnv } from "../../../scripts/topology/redis-process";
import { type Instance, type Nginx, startInstance, startNginx } from "./processes";

export const INSTANCES = 3;

/** Settings the tests choose. */
export interface DeploymentOptions {
  /** `API_LIMIT` of the instances (requests per minute on `/api/*`). */
  apiLimit?: number;
  /** `DRAIN_MS` of the instances. */
  drainMs?: number;
  /** nginx's `fail_timeout`. */
  failTimeout?: string;
}

export interface Deployment {
  /** nginx's base URL. */
  readonly base: string;
  /** The running instances, by index (replaced ones included). */
  readonly instances: Instance[];
  readonly ids: string[];
  readonly nginx: Nginx;
  /** Starts a new process for instance `index` (the old one must be gone). */
  restart(index: number): Promise<Instance>;
  stop(): Promise<void>;
}

function clusterFromEnv(): string | undefined {
  const spec = process.env.HARPIA_TEST_REDIS;
  return spec?.startsWith("cluster=") ? spec.slice("cluster=".length) : undefined;
}

export async function startDeployment(options: DeploymentOptions = {}): Promise<Deployment> {
  const base = portFromEnv("HARPIA_DEPLOY_PORT", 7300);
  const nginxPort = base;
  const ports = Array.from({ length: INSTANCES }, (_, i) => base + 1 + i);
  await assertPortsFree([nginxPort, ...ports], "HARPIA_DEPLOY_PORT");

  let cluster: ClusterHandle | undefined;
  let nodes = clusterFromEnv();
  if (nodes === undefined) {
    cluster = await startCluster({ basePort: portFromEnv("HARPIA_DEPLOY_REDIS_PORT", 7400) });
    nodes = cluster.nodes.map((node) => `${node.host}:${node.port}`).join(",");
  }

  const dir = await mkdtemp(path.join(tmpdir(), "harpia-deploy-"));
  const env = {
    REDIS_CLUSTER: nodes,
    REDIS_PREFIX: `harpia-deploy-test:${crypto.randomUUID()}:`,
    // The test's clients are on loopback like nginx: trust one hop, not loopback addresses.
    TRUST_PROXY: "1",
    COOKIE_SECRET: "a-test-secret-shared-by-every-instance",
    API_LIMIT: String(options.apiLimit ?? 30),
    DRAIN_MS: String(options.drainMs ?? 1000),
    NODE_ENV: "production",
  };
  const ids = ports.map((_, i) => `app-${i + 1}`);
  const instances: Instance[] = [];
  let nginx: Nginx | undefined;
  const stop = async () => {
    await nginx?.stop();
    await Promise.all(instances.map((instance) => instance.stop(5_000)));
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    instances.push(...(await Promise.all(ports.map((port, i) => startInstance(ids[i]!, port, env)))));
    nginx = await startNginx(dir, {
      listen: `127.0.0.1:${nginxPort}`,
      instances: ports.map((port) => `127.0.0.1:${port}`),
      failTimeout: options.failTimeout ?? "3s",
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    base: `http://127.0.0.1:${nginxPort}`,
    instances,
    ids,
    nginx,
    async restart(index) {
      const instance = await startInstance(ids[index]!, ports[index]!, env);
      instances[index] = instance;
      return instance;
    },
    stop,
  };
}
