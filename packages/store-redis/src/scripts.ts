import { createHash } from "node:crypto";
import type { Cluster, Redis } from "ioredis";

/** A Lua script run with `EVALSHA`, falling back to `EVAL` when the server does not know it yet. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
  readonly keys: number;
}

function lua(source: string, keys: number): LuaScript {
  return { source, sha: createHash("sha1").update(source).digest("hex"), keys };
}

/**
 * `INCRBY`/`INCRBYFLOAT`, and a TTL set only when the counter has none yet: a fixed window
 * from creation, as rate limiters need. One key, so it runs on a Cluster too.
 * ARGV: by, ttl in ms, "1" when `by` is an integer.
 */
export const INCREMENT_WITH_TTL = lua(
  `local v
if ARGV[3] == '1' then v = redis.call('INCRBY', KEYS[1], ARGV[1])
else v = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1]) end
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`,
  1,
);

/**
 * `HINCRBY`/`HINCRBYFLOAT` that refuses a new field once the hash holds `max` fields (nil
 * reply), then refreshes the TTL. ARGV: field, by, ttl in ms or "", "1" for integers, max (0: none).
 */
export const HASH_INCREMENT = lua(
  `local max = tonumber(ARGV[5])
if max > 0 and redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= max then
  return false
end
local v
if ARGV[4] == '1' then v = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
else v = redis.call('HINCRBYFLOAT', KEYS[1], ARGV[1], ARGV[2]) end
if ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return v`,
  1,
);

/**
 * `SADD` that stops adding new members once the set holds `max`, then refreshes the TTL.
 * Returns how many members were new. ARGV: ttl in ms or "", max (0: none), members...
 */
export const SET_ADD = lua(
  `local max = tonumber(ARGV[2])
local size = redis.call('SCARD', KEYS[1])
local added = 0
for i = 3, #ARGV do
  if max <= 0 or size < max then
    local n = redis.call('SADD', KEYS[1], ARGV[i])
    added = added + n
    size = size + n
  end
end
if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return added`,
  1,
);

/**
 * `LPUSH` of every value (in batches, as Lua cannot unpack thousands of arguments at once),
 * `LTRIM` to the newest `max`, and `PEXPIRE` when a TTL is given. Returns the length before
 * trimming. ARGV: max, ttl in ms or "", values...
 */
export const LIST_PUSH = lua(
  `local length = 0
for i = 3, #ARGV, 1000 do
  length = redis.call('LPUSH', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return length`,
  1,
);

/** Runs a script by its SHA1, loading it with `EVAL` on `NOSCRIPT` (once per server). */
export async function runScript(
  client: Redis | Cluster,
  script: LuaScript,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, script.keys, ...keys, ...args);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("NOSCRIPT")) {
      return client.eval(script.source, script.keys, ...keys, ...args);
    }
    throw error;
  }
}
