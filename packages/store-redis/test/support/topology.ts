// Real Redis topologies started on this machine (see scripts/topology): a Cluster and a
// Sentinel setup, with handles to stop them and to kill their master.
import { portFromEnv } from "../../../../scripts/topology/redis-process";

export {
  type ClusterHandle,
  type ClusterNodeState,
  type ClusterOptions,
  startCluster,
} from "../../../../scripts/topology/cluster";
export {
  type SentinelHandle,
  type SentinelOptions,
  startSentinel,
} from "../../../../scripts/topology/sentinel";

/**
 * Base ports of the topologies (overridable, see scripts/topology). The shared ones run the
 * test suites; each failover test starts its own topology at an offset, since it kills a node.
 */
export const topologyPorts = {
  cluster: portFromEnv("HARPIA_REDIS_CLUSTER_PORT", 7100),
  sentinelData: portFromEnv("HARPIA_REDIS_SENTINEL_PORT", 7200),
  sentinels: portFromEnv("HARPIA_REDIS_SENTINEL_SENTINEL_PORT", 27200),
  /** Offset of the failover tests' own topologies from the shared ones. */
  failoverOffset: 20,
};
