/**
 * `bun run test:topologies`: the Redis tests of every package on real Redis topologies started
 * on this machine (redis-server and redis-cli must be installed), then the failover tests.
 *
 * 1. Starts a 6-node Redis Cluster (3 masters, 3 replicas) and a Sentinel setup (master,
 *    replica, three sentinels) on loopback ports (see scripts/topology for the port variables).
 * 2. Runs the Redis test files of store-redis, session, telemetry and rate-limit on each, pointed
 *    at it by `HARPIA_TEST_REDIS` (the same files run on the single node in `bun run test`).
 * 3. Runs the deployment tests (deploy/test) on the Cluster: three app instances behind nginx,
 *    sessions, chat fan-out, rate limits and telemetry through the balancer, then a rolling
 *    restart under load (see deploy/README.md).
 * 4. Stops them and runs the failover tests, which start their own topologies and kill a master.
 *
 * Each run is bounded in time; the last line is `N passed, N failed` (a run that crashes or
 * times out counts as one failure), and the exit code is non-zero when anything failed.
 */
import path from "node:path";
import { clusterSpec, sentinelSpec } from "../packages/store-redis/test/support/target";
import { runTests } from "./bun-test-run";
import { type ClusterHandle, startCluster } from "./topology/cluster";
import { type SentinelHandle, startSentinel } from "./topology/sentinel";

const root = path.resolve(import.meta.dir, "..");

/** The Redis test files that run on every topology, by package. */
const SUITES = [
  {
    dir: "packages/store-redis",
    files: ["src/redis-store.test.ts", "src/pubsub.test.ts", "src/close.test.ts"],
  },
  { dir: "packages/session", files: ["src/redis-store.test.ts"] },
  { dir: "packages/telemetry", files: ["src/reading.redis.test.ts", "src/instances.redis.test.ts"] },
  { dir: "packages/rate-limit", files: ["test/redis.test.ts"] },
];

/** Several app instances behind nginx, on the Cluster (nginx must be installed). */
const DEPLOY = {
  dir: "deploy",
  files: [
    "test/config.test.ts",
    "test/drain.test.ts",
    "test/nginx-config.test.ts",
    "test/through-nginx.test.ts",
    "test/rolling-restart.test.ts",
  ],
};

/** Tests that start (and break) their own topologies. */
const FAILOVER = {
  dir: "packages/store-redis",
  files: ["test/cluster-failover.test.ts", "test/sentinel-failover.test.ts"],
};

const RUN_TIMEOUT_MS = 120_000;

let passed = 0;
let failed = 0;
const broken: string[] = [];

async function run(label: string, dir: string, files: string[], env: Record<string, string> = {}) {
  console.log(`\n━━ ${label} ━━`);
  const result = await runTests(
    ["bun", "test", ...files.map((file) => `./${file}`)],
    path.join(root, dir),
    env,
    RUN_TIMEOUT_MS,
  );
  if (result.totals) {
    passed += result.totals.passed;
    failed += result.totals.failed;
  }
  if (result.timedOut || !result.totals || (result.exitCode !== 0 && result.totals.failed === 0)) {
    failed += 1;
    broken.push(`${label} (${result.timedOut ? "timed out" : `exit ${result.exitCode}`})`);
  }
}

const started = performance.now();
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

let cluster: ClusterHandle | undefined;
let sentinel: SentinelHandle | undefined;
try {
  const up = performance.now();
  [cluster, sentinel] = await Promise.all([startCluster(), startSentinel()]);
  console.log(
    `Cluster on ${cluster.nodes.map((n) => n.port).join(",")} and Sentinel (data ${sentinel.dataPorts.join(",")}, ` +
      `sentinels ${sentinel.sentinels.map((s) => s.port).join(",")}) up in ${seconds(up)}`,
  );
  const targets = [
    { label: "Cluster", spec: clusterSpec(cluster.nodes) },
    { label: "Sentinel", spec: sentinelSpec(sentinel.name, sentinel.sentinels) },
  ];
  for (const target of targets) {
    for (const suite of SUITES) {
      const since = performance.now();
      await run(`${path.basename(suite.dir)} on ${target.label}`, suite.dir, suite.files, {
        HARPIA_TEST_REDIS: target.spec,
      });
      console.log(`(${seconds(since)})`);
    }
  }
  const since = performance.now();
  await run("deploy: nginx + 3 instances on Cluster", DEPLOY.dir, DEPLOY.files, {
    HARPIA_TEST_REDIS: clusterSpec(cluster.nodes),
  });
  console.log(`(${seconds(since)})`);
} catch (error) {
  failed += 1;
  broken.push(`topologies (${(error as Error).message})`);
  console.error(error);
} finally {
  await Promise.all([cluster?.stop(), sentinel?.stop()]);
}

const since = performance.now();
await run("failover under load", FAILOVER.dir, FAILOVER.files);
console.log(`(${seconds(since)})`);

if (broken.length > 0) console.log(`\nRuns that did not complete cleanly: ${broken.join(", ")}`);
console.log(`\nTopology tests took ${seconds(started)}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
