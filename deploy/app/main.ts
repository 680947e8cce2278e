import { createApp, shutdownOptions } from "./app";
import { ConfigError, configFromEnv } from "./config";

/**
 * One instance of the example app: `bun deploy/app/main.ts` (or `bun run --cwd deploy start`).
 * Settings come from the environment (see `config.ts` and the deploy README). Prints one
 * `listening on` line once it serves (after its fan-out subscribed); SIGTERM drains it and
 * closes it gracefully.
 */
let config: ReturnType<typeof configFromEnv>;
try {
  config = configFromEnv();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`harpia-deploy: ${error.message}`);
  process.exit(1);
}

const { app, fanOut } = createApp(config);

// nginx sends traffic as soon as the port accepts: listen once messages from the other
// instances can arrive (the store's own commands queue until Redis answers).
let timer: ReturnType<typeof setTimeout> | undefined;
const subscribed = await Promise.race([
  fanOut.ready.then(() => true),
  new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), config.startupTimeoutMs);
  }),
]);
clearTimeout(timer);
if (!subscribed) {
  console.error(
    `harpia-deploy: Redis (${config.redisLabel}) did not answer within ${config.startupTimeoutMs} ms`,
  );
  await app.close({ timeout: 1000 });
  process.exit(1);
}

const shutdown = shutdownOptions(config);
const handle = app.listen({
  port: config.port,
  hostname: config.hostname,
  reusePort: config.reusePort,
  ws: { idleTimeout: 30 },
  // SIGTERM: drain for DRAIN_MS (0: close at once), then close (see shutdownOptions).
  shutdownOnSignals: true,
  shutdownDrain: shutdown.drain,
  shutdownTimeout: shutdown.timeout,
});

console.log(
  `harpia-deploy ${config.instanceId} (pid ${process.pid}) listening on ${handle.url.origin} ` +
    `(Redis ${config.redisLabel}, drain ${config.drainMs} ms)`,
);
