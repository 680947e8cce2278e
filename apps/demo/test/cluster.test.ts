import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { RedisStore } from "@harpia/store-redis";
import type { Subprocess } from "bun";
import { csrfTokenOf, form } from "./support/forms";
import { isRunning, redisClientNames } from "./support/process";
import { openSocket, type TestSocket } from "./support/socket";

/**
 * `bun run demo:cluster` for real: two worker processes on one port (reusePort) and one Redis
 * under a key prefix of this run (removed afterwards). Each request below opens its own
 * connection, so the kernel may hand it to either worker; `x-worker` says which one answered.
 */
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `harpia-demo-test:${crypto.randomUUID()}:`;
const DEMO_DIR = path.join(import.meta.dir, "..");
const ATTEMPTS = 60;

let cluster: Subprocess<"ignore", "pipe", "pipe"> | undefined;
let base = "";
let uploadDir = "";
let output = "";
const sockets: TestSocket[] = [];

/** A request on a connection of its own (`Connection: close`), so any worker may take it. */
function fresh(pathname: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("connection", "close");
  return fetch(`${base}${pathname}`, { ...init, headers, redirect: "manual" });
}

/** Repeats an idempotent GET until the given worker answers it (bounded). */
async function getThrough(worker: string, pathname: string, headers: HeadersInit = {}): Promise<Response> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const res = await fresh(pathname, { headers });
    if (res.headers.get("x-worker") === worker) return res;
    await res.arrayBuffer();
  }
  throw new Error(`Worker ${worker} never answered ${pathname} in ${ATTEMPTS} connections`);
}

/** The `name=value` of a cookie the response sets (the session's, `harpia_demo_sid`, by default). */
function sessionCookie(res: Response, name = "harpia_demo_sid"): string {
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(";")[0];
  if (!cookie) throw new Error(`No ${name} cookie in the response`);
  return cookie;
}

async function waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(output);
    if (match) return match;
    if (Date.now() > deadline || cluster?.exitCode !== null)
      throw new Error(`The cluster did not start (${pattern}); its output:\n${output}`);
    await Bun.sleep(50);
  }
}

beforeAll(async () => {
  const probe = new RedisStore({ url: REDIS_URL }, { prefix: PREFIX, logErrors: false });
  const up = await probe.ping();
  await probe.close();
  if (!up)
    throw new Error(
      `No Redis at ${REDIS_URL}: the cluster test needs one (.ci/run starts it; REDIS_URL overrides)`,
    );
  uploadDir = await mkdtemp(path.join(tmpdir(), "harpia-demo-cluster-"));
  // `bun run demo:cluster` runs this file; spawned directly, a kill reaches the primary itself.
  cluster = Bun.spawn([process.execPath, "src/cluster.ts"], {
    cwd: DEMO_DIR,
    env: {
      ...process.env,
      REDIS_URL,
      REDIS_PREFIX: PREFIX,
      WORKERS: "2",
      PORT: "0",
      HOST: "127.0.0.1",
      ACCESS_LOG: "off",
      UPLOAD_DIR: uploadDir,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  // Drained for the whole run, so a full pipe never blocks the workers.
  for (const stream of [cluster.stdout, cluster.stderr]) {
    void (async () => {
      for await (const chunk of stream) output += new TextDecoder().decode(chunk);
    })();
  }
  base = (await waitForLine(/cluster of 2 workers listening on (http:\/\/\S+?)\/?\n/, 20_000))[1]!;
}, 30_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  if (cluster) {
    cluster.kill("SIGTERM");
    const stopped = await Promise.race([
      cluster.exited.then(() => true),
      Bun.sleep(10_000).then(() => false),
    ]);
    if (!stopped) cluster.kill("SIGKILL");
  }
  const cleaner = new RedisStore({ url: REDIS_URL }, { prefix: PREFIX, logErrors: false });
  await cleaner.clear().catch(() => {});
  await cleaner.close();
  if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
});

describe("bun run demo:cluster (2 workers, one port, Redis)", () => {
  test("both workers answer on the one port", async () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < ATTEMPTS && seen.size < 2; i++) {
      const health = await (await fresh("/api/health")).json();
      expect(health.store).toBe("redis");
      seen.set(health.worker, health.pid);
    }
    expect([...seen.keys()].sort()).toEqual(["1", "2"]);
    expect(seen.get("1")).not.toBe(seen.get("2"));
    // Ready while Redis answers (the readiness check of the preset's @harpia/health probes).
    expect(await (await fresh("/readyz")).json()).toEqual({ status: "ok", checks: { redis: "ok" } });
  }, 30_000);

  test("a session created through one worker is read through the other", async () => {
    // The form's token is tied to the visitor's csrf_id cookie (no session yet), and signed
    // with a secret both workers share through Redis.
    const signupPage = await fresh("/signup");
    const anonymous = sessionCookie(signupPage, "csrf_id");
    const token = csrfTokenOf(await signupPage.text());
    const signup = await fresh("/signup", {
      method: "POST",
      headers: { cookie: anonymous },
      body: form({ _csrf: token, username: "clustered", password: "correct horse battery" }),
    });
    expect(signup.status).toBe(303);
    const creator = signup.headers.get("x-worker")!;
    const other = creator === "1" ? "2" : "1";
    const cookie = sessionCookie(signup);
    for (const worker of [other, creator]) {
      const me = await (await getThrough(worker, "/api/me", { cookie })).json();
      expect(me).toMatchObject({ user: { username: "clustered" }, worker });
    }
  }, 30_000);

  test("a chat message sent through one worker reaches a client of the other", async () => {
    const byWorker = new Map<string, TestSocket>();
    for (let i = 0; i < ATTEMPTS && byWorker.size < 2; i++) {
      const socket = await openSocket(`${base.replace(/^http/, "ws")}/chat/lobby`);
      sockets.push(socket);
      const welcome = await socket.next((m) => m.type === "welcome");
      if (byWorker.has(welcome.worker)) socket.close();
      else byWorker.set(welcome.worker, socket);
    }
    expect([...byWorker.keys()].sort()).toEqual(["1", "2"]);
    const [one, two] = [byWorker.get("1")!, byWorker.get("2")!];
    await Promise.all([one.next((m) => m.type === "history"), two.next((m) => m.type === "history")]);

    one.send("hello from worker 1");
    expect(await two.next((m) => m.type === "message" && m.text === "hello from worker 1")).toMatchObject({
      room: "lobby",
    });
    two.send("and back from worker 2");
    await one.next((m) => m.type === "message" && m.text === "and back from worker 2");
    // Exactly once each: the fan-out never echoes a message back to its own worker.
    await Bun.sleep(200);
    expect(two.messages.filter((m) => m.text === "hello from worker 1")).toHaveLength(1);
    expect(one.messages.filter((m) => m.text === "hello from worker 1")).toHaveLength(1);
  }, 30_000);

  // Last: it stops the cluster.
  test("SIGTERM: each worker closes its app (WebSockets 1001, Redis connections quit) and exits 0", async () => {
    const pids = [...output.matchAll(/\[worker (\d)\] ready \(pid (\d+)\)/g)].map((m) => ({
      id: m[1]!,
      pid: Number(m[2]),
    }));
    expect(pids.map((w) => w.id).sort()).toEqual(["1", "2"]);
    const names = pids.flatMap(({ id, pid }) => [
      `harpia-demo:w${id}:${pid}`,
      `harpia-demo:w${id}:${pid}:sub`,
    ]);
    const observer = new RedisStore({ url: REDIS_URL }, { prefix: PREFIX, logErrors: false });
    const open = async () => (await redisClientNames(observer)).filter((name) => names.includes(name));
    try {
      // Each worker's store connection and its fan-out's subscriber, named in CLIENT LIST.
      expect((await open()).sort()).toEqual([...names].sort());
      const socket = await openSocket(`${base.replace(/^http/, "ws")}/chat/lobby`);
      const closedWith = new Promise<number>((resolve) => socket.onClose(resolve));

      cluster!.kill("SIGTERM");
      // Bounded well under a worker's safety net (21 s): a clean shutdown takes a fraction of a second.
      const code = await Promise.race([cluster!.exited, Bun.sleep(4_000).then(() => "still running")]);
      expect(code).toBe(0); // the primary exits 0 only when every worker exited 0
      expect(await closedWith).toBe(1001);
      for (const { pid } of pids) expect(isRunning(pid)).toBe(false);
      expect(await open()).toEqual([]);
      expect(output).not.toContain("exited with code");
    } finally {
      await observer.close();
    }
  }, 30_000);
});

describe("bun run demo:cluster without Redis", () => {
  test("refuses to start, saying why", async () => {
    const proc = Bun.spawn(["bun", "src/cluster.ts"], {
      cwd: DEMO_DIR,
      env: { ...process.env, REDIS_URL: "" },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(await proc.exited).toBe(1);
    expect(await new Response(proc.stderr).text()).toContain("REDIS_URL is not set");
  }, 10_000);
});
