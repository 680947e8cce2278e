// A preset app run as its own process by the shutdown test: `server.shutdownOnSignals` on, a
// slow route, and an onClose hook that reports. Prints "ready <port>", "slow started" when the
// slow route begins, then "closed" on close.
import { Preset } from "../../src/index";

const slowMs = Number(process.env.SLOW_MS ?? 300);
const preset = new Preset().on("configure.routes", (app) => {
  app.get("/slow", async () => {
    console.log("slow started");
    await Bun.sleep(slowMs);
    return "slow done";
  });
  app.onClose(() => console.log("closed"));
});
const { url } = await preset.createApp({
  logger: false,
  server: { hostname: "127.0.0.1", port: 0, shutdownOnSignals: true, shutdownTimeout: 5_000 },
});
console.log(`ready ${url!.port}`);
