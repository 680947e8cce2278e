// What Redis itself says about open connections (`CLIENT LIST`), to check that nothing a test
// opened is left behind.
import type { Cluster, Redis } from "ioredis";
import { testRedis } from "./target";

/** The `name=` of every line of a `CLIENT LIST` reply. */
function names(reply: string): string[] {
  return reply
    .split("\n")
    .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? "")
    .filter((name) => name !== "");
}

/**
 * The names of the connections open on the test Redis (every node of a Cluster) whose name
 * contains `marker`, one entry per connection.
 */
export async function namedConnections(marker: string): Promise<string[]> {
  const admin = testRedis.client();
  try {
    let nodes: Redis[];
    if (testRedis.kind === "cluster") {
      const cluster = admin as Cluster;
      if (cluster.status !== "ready") await new Promise((resolve) => cluster.once("ready", resolve));
      nodes = cluster.nodes("all");
    } else {
      nodes = [admin as Redis];
    }
    const replies = await Promise.all(nodes.map((node) => node.call("CLIENT", ["LIST"]) as Promise<string>));
    return replies.flatMap(names).filter((name) => name.includes(marker));
  } finally {
    admin.disconnect();
  }
}
