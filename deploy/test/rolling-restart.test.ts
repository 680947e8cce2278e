import { afterAll, beforeAll, expect, test } from "bun:test";
import { ChatClient } from "./support/chat";
import { User } from "./support/client";
import { type Deployment, INSTANCES, startDeployment } from "./support/deployment";
import { startLoad } from "./support/load";
import { waitUntil } from "./support/processes";

/**
 * A rolling restart behind nginx under constant load: each instance in turn gets SIGTERM
 * (drains, closes gracefully), a new process takes its port, and the next one goes only once
 * nginx sends the new one traffic again. No client may see a failure.
 *
 * `HARPIA_DEPLOY_DRAIN_MS` overrides the instances' DRAIN_MS (0: close at SIGTERM at once, to
 * compare); `HARPIA_DEPLOY_FAIL_TIMEOUT` nginx's fail_timeout.
 */
const DRAIN_MS = Number(process.env.HARPIA_DEPLOY_DRAIN_MS ?? 1000);
const FAIL_TIMEOUT = process.env.HARPIA_DEPLOY_FAIL_TIMEOUT ?? "2s";
const CONCURRENCY = 16;
const USERS = 4;
const SOCKETS_PER_INSTANCE = 2;

let deployment: Deployment;
const sockets: ChatClient[] = [];

beforeAll(async () => {
  deployment = await startDeployment({ drainMs: DRAIN_MS, failTimeout: FAIL_TIMEOUT });
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await deployment?.stop();
}, 30_000);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const ms = (value: number) => `${Math.round(value)} ms`;

test("rolling restart under load: no failed request, no click lost or doubled, sockets reconnect", async () => {
  const users = Array.from({ length: USERS }, (_, i) => new User(deployment.base, `load-${i}`));
  await Promise.all(users.map((user) => user.login()));

  const url = `${deployment.base.replace("http", "ws")}/chat/ops`;
  for (let i = 0; i < SOCKETS_PER_INSTANCE * INSTANCES; i++) {
    const socket = new ChatClient(url, users[i % USERS]!.cookieHeader);
    await socket.connect();
    sockets.push(socket);
  }
  for (const id of deployment.ids) expect(sockets.some((socket) => socket.instance === id)).toBe(true);

  const load = startLoad(users, CONCURRENCY, 60_000);
  await Bun.sleep(500);

  const steps: { id: string; exitCode: number; downMs: number; startMs: number; rotationMs: number }[] = [];
  const restartStarted = performance.now();
  for (let index = 0; index < INSTANCES; index++) {
    const old = deployment.instances[index]!;
    const signalled = performance.now();
    old.signal("SIGTERM");
    const exitCode = await Promise.race([old.exited, Bun.sleep(15_000).then(() => -1)]);
    const exited = performance.now();
    const replacement = await deployment.restart(index);
    await waitUntil(
      `${old.id} to get traffic from nginx again`,
      () => load.lastAnswer(old.id) > replacement.readyAt,
      10_000,
      10,
    );
    steps.push({
      id: old.id,
      exitCode,
      downMs: exited - signalled,
      startMs: replacement.readyAt - exited,
      rotationMs: performance.now() - replacement.readyAt,
    });
  }
  const restartMs = performance.now() - restartStarted;
  await Bun.sleep(300);
  const report = await load.stop();

  // Every socket is connected again, and messages published now reach each one exactly once.
  await waitUntil(
    "every socket to be connected",
    () => sockets.every((s) => s.instance !== undefined),
    5_000,
  );
  const publisher = users[0]!;
  const ids: string[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    const res = await publisher.request("/chat/ops", {
      method: "POST",
      json: { text: `after the restart ${i}` },
    });
    expect(res.status).toBe(200);
    ids.push(((await res.json()) as { id: string }).id);
  }
  await waitUntil(
    "the messages to reach every socket",
    () => sockets.every((s) => ids.every((id) => s.copies(id) >= 1)),
    5_000,
  );
  await Bun.sleep(200);

  // The counters in Redis against the clicks the clients saw acknowledged.
  const stored = await Promise.all(
    users.map(async (user) => ((await (await user.request("/clicks")).json()) as { clicks: number }).clicks),
  );

  const reconnects = sockets.flatMap((socket) => socket.reconnects);
  console.log(
    `[figures] rolling restart of ${INSTANCES} instances behind nginx (DRAIN_MS ${DRAIN_MS}, fail_timeout ${FAIL_TIMEOUT}) ` +
      `under ${CONCURRENCY} concurrent clients: ${report.requests} requests (${report.gets} GET, ${report.posts} POST) ` +
      `in ${ms(report.durationMs)}, ${report.errors} failed; restart took ${ms(restartMs)} ` +
      `(per instance: SIGTERM→exit ${steps.map((s) => ms(s.downMs)).join(", ")}; ` +
      `exit→ready ${steps.map((s) => ms(s.startMs)).join(", ")}; ` +
      `ready→traffic ${steps.map((s) => ms(s.rotationMs)).join(", ")}); ` +
      `${reconnects.length} WebSocket reconnects (codes ${[...new Set(reconnects.map((r) => r.code))].join(",")}), ` +
      `median ${ms(median(reconnects.map((r) => r.ms)))}, max ${ms(Math.max(0, ...reconnects.map((r) => r.ms)))}`,
  );
  if (report.errorSamples.length > 0) {
    console.log(report.errorSamples.join("\n"));
    const log = await deployment.nginx.errorLog();
    console.log(
      `nginx error log (errors):\n${log
        .split("\n")
        .filter((l) => l.includes("[error]"))
        .slice(0, 10)
        .join("\n")}`,
    );
  }

  expect(report.errorSamples).toEqual([]);
  expect(report.errors).toBe(0);
  expect(report.requests).toBeGreaterThan(500);
  expect(steps.map((step) => step.exitCode)).toEqual(steps.map(() => 0));
  expect(stored).toEqual(users.map((user) => report.clicks.get(user.name)!));
  for (const socket of sockets) {
    expect(socket.failures).toEqual([]);
    expect(socket.reconnects.length).toBeGreaterThanOrEqual(1);
    expect(ids.map((id) => socket.copies(id))).toEqual(ids.map(() => 1));
  }
  expect(reconnects.every((reconnect) => reconnect.code === 1001)).toBe(true);
}, 90_000);
