/**
 * A process for the shutdown test: an app with a `RedisStore` and a `redisPubSub()` fan-out
 * (each installed with `app.use`, each Redis connection named after `NAME`), listening with
 * `shutdownOnSignals: true`. `GET /slow` waits `SLOW_MS`, then increments a counter in the
 * store (so a request in flight at SIGTERM still needs the store). Prints `ready <port>` once
 * every connection is up, and `exiting by itself` when its event loop is empty (`beforeExit`:
 * not printed when something forces `process.exit`).
 */
import { harpia } from "@harpia/core";
import { RedisStore, redisPubSub } from "../../src/index";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const name = process.env.NAME;
const slowMs = Number(process.env.SLOW_MS ?? 300);
if (!name) throw new Error("shutdown-app: NAME is required");

const app = harpia();
const store = new RedisStore({ url, options: { connectionName: `${name}-store` } }, { prefix: `${name}:` });
app.use(store);
const fanOut = redisPubSub({ url, options: { connectionName: `${name}-fanout` }, channel: `${name}:ws` });
app.use(fanOut);

app.get("/slow", async () => {
  await Bun.sleep(slowMs);
  return { count: await store.increment("slow") };
});

await Promise.all([fanOut.ready, store.ping()]);
const { port } = app.listen({ port: 0, hostname: "127.0.0.1", shutdownOnSignals: true });
console.log(`ready ${port}`);
process.once("beforeExit", () => console.log("exiting by itself"));
