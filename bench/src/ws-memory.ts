/**
 * Memory per idle WebSocket connection: raw `Bun.serve` and Harpia each accept 10,000
 * connections (opened by a client in another process), every one subscribed to a topic and then
 * left idle; the server's RSS after a full GC is read before and after, and the difference divided
 * by the number of connections. Bounded in time (each phase has a deadline) and loopback only.
 *
 *   bun run --cwd bench bench:ws [--connections 10000] [--rounds 1]
 *
 * The same file is the server (`server <bun|harpia>`) and the client (`client <url> <count>`).
 */
import path from "node:path";
import { parseArgs } from "node:util";

const FRAMEWORKS = ["bun", "harpia"] as const;
type Framework = (typeof FRAMEWORKS)[number];
const LABEL: Record<Framework, string> = { bun: "Bun.serve", harpia: "Harpia" };
/** Longest any phase may take (start, open every connection), so the script always ends. */
const PHASE_MS = 120_000;

/** The server's RSS after a full collection, in bytes. */
function settledRss(): number {
  Bun.gc(true);
  return process.memoryUsage.rss();
}

async function server(framework: Framework): Promise<void> {
  if (framework === "bun") {
    const s = Bun.serve<{ path: string }>({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req, srv) {
        const url = new URL(req.url);
        if (url.pathname === "/rss") return new Response(String(settledRss()));
        if (url.pathname === "/ws" && srv.upgrade(req, { data: { path: url.pathname } })) return undefined;
        return new Response("Not Found", { status: 404 });
      },
      websocket: {
        open(ws) {
          ws.subscribe("lobby");
        },
        message() {},
      },
    });
    console.log(`ready ${s.port}`);
    return;
  }
  const { default: harpia } = await import("@harpia/core");
  const app = harpia({ logErrors: false });
  app.get("/rss", () => String(settledRss()));
  app.ws("/ws", {
    open(ws) {
      ws.subscribe("lobby");
    },
    message() {},
  });
  const s = app.listen({ port: 0, hostname: "127.0.0.1" });
  console.log(`ready ${s.port}`);
}

/** Opens `count` connections, 200 at a time; says `open <n>` and stays until stdin closes. */
async function client(url: string, count: number): Promise<void> {
  const sockets: WebSocket[] = [];
  const deadline = Date.now() + PHASE_MS;
  const openOne = () =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`connection ${sockets.length} failed`));
      sockets.push(ws);
    });
  while (sockets.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${sockets.length} of ${count} opened in time`);
    const batch = Math.min(200, count - sockets.length);
    await Promise.all(Array.from({ length: batch }, openOne));
  }
  console.log(`open ${sockets.length}`);
  // Idle until the parent closes stdin (or the deadline passes), then close everything.
  const stdin = Bun.stdin.stream().getReader();
  await Promise.race([stdin.read(), Bun.sleep(PHASE_MS)]);
  for (const ws of sockets) ws.close();
  process.exit(0);
}

/** Reads a child's stdout until `pattern` matches (or the phase deadline passes). */
async function waitFor(
  stream: ReadableStream<Uint8Array>,
  pattern: RegExp,
  what: string,
): Promise<RegExpExecArray> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + PHASE_MS;
  while (Date.now() < deadline) {
    const { value, done } = await Promise.race([
      reader.read(),
      Bun.sleep(deadline - Date.now()).then(() => ({ value: undefined, done: true })),
    ]);
    if (value) text += decoder.decode(value);
    const match = pattern.exec(text);
    if (match) {
      reader.releaseLock();
      return match;
    }
    if (done) break;
  }
  throw new Error(`${what}: no "${pattern.source}" (got ${JSON.stringify(text.slice(-200))})`);
}

async function measure(
  framework: Framework,
  connections: number,
): Promise<{ before: number; after: number }> {
  const self = path.join(import.meta.dir, "ws-memory.ts");
  const srv = Bun.spawn(["bun", self, "server", framework], {
    cwd: path.join(import.meta.dir, ".."),
    env: { ...process.env, NODE_ENV: "production" },
    stdout: "pipe",
    stderr: "inherit",
  });
  const clients: Bun.Subprocess<"pipe", "pipe", "inherit">[] = [];
  try {
    const port = Number((await waitFor(srv.stdout, /ready (\d+)/, `${framework} server`))[1]);
    const base = `http://127.0.0.1:${port}`;
    const open = async (count: number) => {
      const c = Bun.spawn(["bun", self, "client", `ws://127.0.0.1:${port}/ws`, String(count)], {
        stdin: "pipe",
        stdout: "pipe",
        stderr: "inherit",
      });
      clients.push(c);
      await waitFor(c.stdout, /open (\d+)/, `${framework} client`);
      return c;
    };
    // Warm the WebSocket path (code, buffers) so the baseline does not count first-use costs.
    const warm = await open(100);
    warm.stdin.end();
    await warm.exited;
    await Bun.sleep(500);
    const rss = async () => Number(await (await fetch(`${base}/rss`)).text());
    const before = await rss();
    const idle = await open(connections);
    await Bun.sleep(2000); // idle: nothing sent
    const after = await rss();
    idle.stdin.end();
    await idle.exited;
    return { before, after };
  } finally {
    for (const c of clients) if (c.exitCode === null) c.kill();
    srv.kill();
    await srv.exited;
  }
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: { connections: { type: "string", default: "10000" }, rounds: { type: "string", default: "1" } },
  });
  const connections = Math.min(Math.max(Number(args.connections), 100), 15_000);
  const rounds = Math.min(Math.max(Number(args.rounds), 1), 5);
  console.log(
    `WebSocket memory: ${connections.toLocaleString()} idle connections per server, ${rounds} round(s)`,
  );
  const results = new Map<Framework, { before: number; after: number }[]>();
  for (let round = 0; round < rounds; round++) {
    for (const framework of round % 2 ? [...FRAMEWORKS].reverse() : FRAMEWORKS) {
      const r = await measure(framework, connections);
      results.set(framework, [...(results.get(framework) ?? []), r]);
      console.log(
        `round ${round + 1} ${LABEL[framework].padEnd(10)} RSS ${(r.before / 2 ** 20).toFixed(1)} → ${(r.after / 2 ** 20).toFixed(1)} MB`,
      );
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `\n| server | RSS before | RSS with ${connections.toLocaleString()} connections | per connection |`,
  );
  console.log("| --- | ---: | ---: | ---: |");
  const perConnection: Partial<Record<Framework, number>> = {};
  for (const framework of FRAMEWORKS) {
    const list = results.get(framework)!;
    const before = median(list.map((r) => r.before));
    const after = median(list.map((r) => r.after));
    const per = median(list.map((r) => (r.after - r.before) / connections));
    perConnection[framework] = per;
    console.log(
      `| ${LABEL[framework]} | ${(before / 2 ** 20).toFixed(1)} MB | ${(after / 2 ** 20).toFixed(1)} MB | ${(per / 1024).toFixed(2)} KB |`,
    );
  }
  if (perConnection.bun && perConnection.harpia)
    console.log(
      `\nHarpia uses ${(perConnection.harpia / perConnection.bun).toFixed(2)}× raw Bun's memory per idle connection.`,
    );
}

const [role, a, b] = process.argv.slice(2);
if (role === "server") await server(a as Framework);
else if (role === "client") await client(a!, Number(b));
else await main();
