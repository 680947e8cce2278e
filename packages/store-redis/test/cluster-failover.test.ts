// A Redis Cluster master is SIGKILLed while two app instances on RedisStore serve writes from
// 16 concurrent clients: during the election requests answer 503 (never 500, never hang), the
// service comes back by itself once a replica is promoted, every write acknowledged (replicated
// with WAIT) is still there, and sharded fan-out follows the slot. Run by `bun run test:topologies`.
import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  type ClusterHandle,
  expectSurvived,
  expectUnconfirmedWritesRefused,
  failoverUnderLoad,
  startCluster,
  topologyPorts,
} from "./support";

let cluster: ClusterHandle;

beforeAll(async () => {
  // Two replicas per master: after the failover the new master still has one, so writes that
  // must reach a replica (durability) are accepted again without waiting for the dead node.
  cluster = await startCluster({
    basePort: topologyPorts.cluster + topologyPorts.failoverOffset,
    replicasPerMaster: 2,
  });
}, 30_000);

afterAll(async () => {
  await cluster?.stop();
});

test("durability: a write its shard's replicas do not confirm in time is a 503 (WAIT on the write's own connection)", async () => {
  await expectUnconfirmedWritesRefused({ cluster: cluster.nodes }, (fullKey) => {
    const replicas = cluster.replicasOf(cluster.masterOfSlot(cluster.keySlot(fullKey)));
    expect(replicas.length).toBe(2);
    for (const port of replicas) cluster.processes.get(port)!.pause();
    return () => {
      for (const port of replicas) cluster.processes.get(port)!.resume();
    };
  });
  await cluster.waitHealthy(5000);
});

test("killing the master of the fan-out's slot under load: 503s during the election, then service again, nothing acknowledged lost", async () => {
  const outcome = await failoverUnderLoad({
    label: "Cluster",
    connection: () => ({ cluster: cluster.nodes }),
    killMaster: async (channel) => (await cluster.killMaster(cluster.keySlot(channel))).port,
    healed: async (channel) => {
      await cluster.waitHealthy(10_000);
      return cluster.masterOfSlot(cluster.keySlot(channel));
    },
  });
  expectSurvived(outcome);
}, 45_000);
