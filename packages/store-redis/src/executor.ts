import { StoreTypeError } from "@harpia/core";
import type { Availability } from "./availability";
import { isCluster, type RedisClient } from "./connection";
import { classifyFailure, StoreUnavailableError, wrongType } from "./errors";
import { type LuaScript, runScript } from "./scripts";

/** One Redis command: its name, then its arguments. */
export type RedisCommand = [name: string, ...args: (string | number)[]];

/** How many replicas must acknowledge a write before it counts as done (`RedisStoreOptions.durability`). */
export interface Durability {
  /** Replicas that must have the write (`WAIT numreplicas`). */
  replicas: number;
  /** Longest wait for them, in milliseconds (`WAIT … timeout`). */
  timeoutMs: number;
}

/** A write that Redis applied but too few replicas acknowledged in time. */
class NotReplicatedError extends Error {
  constructor(acknowledged: number, durability: Durability) {
    super(
      `The write reached ${acknowledged} of ${durability.replicas} replica(s) within ${durability.timeoutMs} ms`,
    );
    this.name = "NotReplicatedError";
  }
}

/** Replies that mean "this node is not (or no longer) the one for the slot": nothing was executed. */
const REROUTE = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN)\b/;

/**
 * Sends a `RedisStore`'s commands: refused at once during an outage, bounded in time, failures
 * translated to core's errors, and writes confirmed by replicas (`WAIT`, on the same
 * connection, in one pipeline with the write) when durability is asked for.
 */
export class Executor {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly availability: Availability,
    /** The store's own deadline, for a client without a `commandTimeout` (else `undefined`). */
    private readonly deadline: number | undefined,
    private readonly durability: Durability | undefined,
  ) {}

  /** Runs one exchange with Redis: refused at once during an outage, its failures translated. */
  async run<T>(operation: string, key: string, kind: string, command: () => Promise<T>): Promise<T> {
    this.availability.check(operation);
    try {
      const result = await (this.deadline === undefined ? command() : this.withDeadline(command()));
      this.availability.succeeded();
      return result;
    } catch (error) {
      throw await this.translate(error, operation, key, kind);
    }
  }

  /**
   * Runs write commands on one key (one command, or a pipeline of several) and returns their
   * replies. With durability, a `WAIT` follows them on the same connection, and the call fails
   * with a 503 unless enough replicas acknowledged.
   */
  write(operation: string, key: string, kind: string, commands: RedisCommand[]): Promise<unknown[]> {
    if (this.durability !== undefined)
      return this.run(operation, key, kind, () => this.replicated(commands, this.durability!));
    if (commands.length === 1) {
      const [name, ...args] = commands[0]!;
      return this.run(operation, key, kind, async () => [await this.client.call(name, args)]);
    }
    return this.run(operation, key, kind, () => this.pipeline(commands));
  }

  /** Runs a script on one key (a write: confirmed by replicas under durability). */
  async script(
    operation: string,
    key: string,
    kind: string,
    script: LuaScript,
    fullKey: string,
    args: (string | number)[],
  ): Promise<unknown> {
    if (this.durability === undefined)
      return this.run(operation, key, kind, () => runScript(this.client, script, [fullKey], args));
    const durability = this.durability;
    return this.run(operation, key, kind, async () => {
      try {
        const [reply] = await this.replicated([["EVALSHA", script.sha, 1, fullKey, ...args]], durability);
        return reply;
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith("NOSCRIPT"))) throw error;
        const [reply] = await this.replicated([["EVAL", script.source, 1, fullKey, ...args]], durability);
        return reply;
      }
    });
  }

  /** Sends commands in one pipeline; throws the first failure. */
  private async pipeline(commands: RedisCommand[]): Promise<unknown[]> {
    const pipeline = this.client.pipeline();
    for (const [name, ...args] of commands) pipeline.call(name, args);
    const replies = await pipeline.exec();
    if (replies === null) throw new Error("Pipeline aborted");
    const failure = replies.find(([error]) => error !== null)?.[0];
    if (failure) throw failure;
    return replies.map(([, reply]) => reply);
  }

  /**
   * The commands, then `WAIT`, in one pipeline: on one connection, so the `WAIT` counts the
   * replicas that have these writes. On a Cluster, a pipeline sent to a node that no longer
   * serves the slot (just after a failover) is sent again once the slot map is refreshed;
   * nothing of it was executed.
   */
  private async replicated(commands: RedisCommand[], durability: Durability): Promise<unknown[]> {
    for (let attempt = 0; ; attempt++) {
      const replies = await this.pipeline([
        ...commands,
        ["WAIT", durability.replicas, durability.timeoutMs],
      ]).catch((error: unknown) => error as Error);
      if (replies instanceof Error) {
        if (attempt < 3 && isCluster(this.client) && REROUTE.test(replies.message)) {
          await refreshSlots(this.client);
          continue;
        }
        throw replies;
      }
      const acknowledged = Number(replies.pop());
      if (acknowledged < durability.replicas) throw new NotReplicatedError(acknowledged, durability);
      return replies;
    }
  }

  private withDeadline<T>(pending: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("Command timed out")), this.deadline);
    });
    return Promise.race([pending, expired]).finally(() => clearTimeout(timer));
  }

  /** The error a store call throws for a failed command. */
  async translate(error: unknown, operation: string, key: string, kind: string): Promise<unknown> {
    // Redis is reachable, only the replicas are behind: no reason to refuse other calls.
    if (error instanceof NotReplicatedError) return new StoreUnavailableError(operation, error);
    switch (classifyFailure(error)) {
      case "unavailable":
        this.availability.failed(error);
        return new StoreUnavailableError(operation, error, this.availability.retryAfterSeconds);
      case "wrong-type": {
        const actual = await this.client.type(this.prefix + key).catch(() => "other");
        return wrongType(key, kind, actual);
      }
      case "not-a-number":
        return new StoreTypeError(key, "number", "non-numeric value");
      default:
        return error;
    }
  }
}

/** Asks a Cluster client to reload its slot map, waiting at most a second. */
function refreshSlots(cluster: { refreshSlotsCache(callback?: (error?: Error | null) => void): void }) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    cluster.refreshSlotsCache(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
