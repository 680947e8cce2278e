import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { RedisStore } from "@harpia/store-redis";
import { createDemo } from "../src/app";
import {
  type DemoProcess,
  redisClientNames,
  refusesConnections,
  requestInFlight,
  spawnDemo,
} from "./support/process";

/**
 * `bun run demo` (`src/main.ts`) stopped by SIGTERM, for real: the app closes through its
 * plugins (`shutdownOnSignals`, no hand-written handler), and the process ends by itself.
 * "By itself" is checked with a bound: a connection or timer left open keeps a process running
 * (until core's safety net forces an exit, twice the 10 s shutdown timeout later), while a clean
 * shutdown of the demo takes well under a second.
 */
const DEMO_DIR = path.join(import.meta.dir, "..");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** From the last response to the exit: a clean shutdown takes about 0.1 s. */
const EXIT_BOUND_MS = 3_000;

const started: DemoProcess[] = [];
let uploadDir = "";

beforeAll(async () => {
  uploadDir = await mkdtemp(path.join(tmpdir(), "harpia-demo-shutdown-"));
});

afterAll(async () => {
  for (const demo of started) await demo.kill();
  await rm(uploadDir, { recursive: true, force: true });
});

/** `bun src/main.ts` on a free port of 127.0.0.1; resolves with its announced URL. */
async function startMain(env: Record<string, string> = {}): Promise<{ demo: DemoProcess; url: URL }> {
  const demo = spawnDemo("src/main.ts", DEMO_DIR, {
    PORT: "0",
    HOST: "127.0.0.1",
    ACCESS_LOG: "off",
    UPLOAD_DIR: uploadDir,
    ...env,
  });
  started.push(demo);
  const [, url] = await demo.waitFor(/Harpia demo listening on (http:\/\/\S+)\n/, 15_000);
  return { demo, url: new URL(url!) };
}

/** Parses the raw response of {@link requestInFlight}. */
function parseResponse(raw: string): { status: number; headers: Headers; body: string } {
  const [head = "", body = ""] = raw.split("\r\n\r\n");
  const [statusLine, ...lines] = head.split("\r\n");
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return { status: Number(statusLine?.split(" ")[1]), headers, body };
}

describe("SIGTERM to bun run demo (memory stores)", () => {
  test("the request in flight completes, WebSockets get 1001, new connections are refused, exit code 0", async () => {
    const { demo, url } = await startMain();
    const chat = new WebSocket(`${url.origin.replace(/^http/, "ws")}/chat/lobby`);
    const welcomed = new Promise<void>((resolve, reject) => {
      chat.addEventListener("message", () => resolve(), { once: true });
      chat.addEventListener("error", () => reject(new Error("chat socket failed")), { once: true });
    });
    const chatClosed = new Promise<number>((resolve) => {
      chat.addEventListener("close", (event) => resolve(event.code), { once: true });
    });
    await welcomed;

    const book = JSON.stringify({ title: "Shutdown", author: "Graceful" });
    const inFlight = await requestInFlight(url, "/api/books", book);
    demo.proc.kill("SIGTERM");

    expect(await refusesConnections(url, 5_000)).toBe(true);
    expect(await chatClosed).toBe(1001);
    expect(demo.proc.exitCode).toBeNull(); // still draining: waiting for the request's body

    const res = parseResponse(await inFlight.finish());
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ title: "Shutdown", author: "Graceful" });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    expect(await demo.exitWithin(EXIT_BOUND_MS)).toBe(0);
    expect(demo.stderr()).toBe("");
  }, 30_000);
});

describe("SIGTERM to bun run demo (REDIS_URL)", () => {
  const prefix = `harpia-demo-test:${crypto.randomUUID()}:`;
  const observer = new RedisStore({ url: REDIS_URL }, { prefix, logErrors: false });

  afterAll(async () => {
    await observer.clear().catch(() => {});
    await observer.close();
  });

  test("every Redis connection the demo opened is closed, after the request in flight used Redis", async () => {
    if (!(await observer.ping()))
      throw new Error(
        `No Redis at ${REDIS_URL}: this test needs one (.ci/run starts it; REDIS_URL overrides)`,
      );
    const { demo, url } = await startMain({ REDIS_URL, REDIS_PREFIX: prefix });
    const name = `harpia-demo:${demo.proc.pid}`;
    const ours = async () =>
      (await redisClientNames(observer)).filter((n) => n === name || n.startsWith(`${name}:`));
    // The store's connection and the chat fan-out's subscriber, named so CLIENT LIST shows them.
    expect((await ours()).sort()).toEqual([name, `${name}:sub`]);

    const inFlight = await requestInFlight(
      url,
      "/api/books",
      JSON.stringify({ title: "Kept", author: "Redis" }),
    );
    demo.proc.kill("SIGTERM");
    expect(await refusesConnections(url, 5_000)).toBe(true);
    const res = parseResponse(await inFlight.finish());
    expect(res.status).toBe(201); // written to Redis: the store closes only after the drain
    const created = JSON.parse(res.body) as { id: number; title: string };

    expect(await demo.exitWithin(EXIT_BOUND_MS)).toBe(0);
    expect(await ours()).toEqual([]);
    expect(demo.stderr()).toBe("");
    expect(await observer.get<{ id: number }[]>("books")).toContainEqual(created);
  }, 30_000);
});

describe("closing the Redis connections in process (no exit to hide a leak)", () => {
  const prefix = `harpia-demo-test:${crypto.randomUUID()}:`;
  const observer = new RedisStore({ url: REDIS_URL }, { prefix, logErrors: false });
  const named = async (name: string) =>
    (await redisClientNames(observer)).filter((n) => n === name || n.startsWith(`${name}:`));
  /** CLIENT LIST drops a connection once Redis has processed its QUIT: poll briefly. */
  const goneWithin = async (name: string, ms: number) => {
    const deadline = Date.now() + ms;
    while ((await named(name)).length > 0 && Date.now() < deadline) await Bun.sleep(20);
    return named(name);
  };

  afterAll(async () => {
    await observer.clear().catch(() => {});
    await observer.close();
  });

  test("demo.close() quits the store's connection and the fan-out's subscriber", async () => {
    const name = `harpia-demo-test-close-${crypto.randomUUID()}`;
    const demo = await createDemo({
      listen: false,
      accessLog: false,
      redisUrl: REDIS_URL,
      redisPrefix: prefix,
      redisConnectionName: name,
      uploadDir,
    });
    expect((await named(name)).sort()).toEqual([name, `${name}:sub`]);
    await demo.close();
    expect(await goneWithin(name, 2_000)).toEqual([]);
  });

  test("a start that fails after the stores were made closes them too", async () => {
    const name = `harpia-demo-test-fail-${crypto.randomUUID()}`;
    const notAFolder = path.join(uploadDir, "a-file");
    await Bun.write(notAFolder, "");
    const start = createDemo({
      listen: false,
      accessLog: false,
      redisUrl: REDIS_URL,
      redisPrefix: prefix,
      redisConnectionName: name,
      uploadDir: path.join(notAFolder, "uploads"), // mkdir fails: after the store connected
    });
    await expect(start).rejects.toThrow(/init/);
    expect(await goneWithin(name, 2_000)).toEqual([]);
  });
});
