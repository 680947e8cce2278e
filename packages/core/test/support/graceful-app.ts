/**
 * A process for the shutdown tests: serves `/slow` (answers after `SLOW_MS`), opens a TCP
 * connection to `RESOURCE_PORT` that an `onClose` hook ends, and closes on SIGTERM through
 * `listen({ shutdownOnSignals: true })`. Prints `ready <port>` once listening and
 * `closed` from its last hook.
 */
import harpia, { definePlugin } from "../../src/index";

const slowMs = Number(process.env.SLOW_MS ?? 300);
const resourcePort = Number(process.env.RESOURCE_PORT);

const resource = await Bun.connect({
  hostname: "127.0.0.1",
  port: resourcePort,
  socket: { data() {} },
});

const app = harpia();
app.use(
  definePlugin({
    name: "resource",
    setup(a) {
      a.onClose(async () => {
        resource.end();
        await Bun.sleep(10);
        console.log("closed");
      });
    },
  }),
);
app.get("/slow", async () => {
  await Bun.sleep(slowMs);
  return "slow done";
});
const { port } = app.listen({ port: 0, hostname: "127.0.0.1", shutdownOnSignals: true });
console.log(`ready ${port}`);
