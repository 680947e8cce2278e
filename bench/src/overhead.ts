/**
 * Framework overhead per request, in process: the same Request answered by a raw handler and by
 * Harpia's pipeline, interleaved, without HTTP. Used to profile the hot path; not part of `bun run bench`.
 *
 *   bun run --cwd bench src/overhead.ts
 */
import harpia from "@harpia/core";
import { TWELVE_HEADERS } from "./scenarios";

const raw = (req: Request) => {
  const url = req.url;
  if (url.endsWith("/")) return new Response("Hello, World!");
  const id = url.slice(url.lastIndexOf("/") + 1);
  return Response.json({ id, name: "Ada Lovelace", active: true });
};

const s1 = harpia();
s1.get("/", (_req, res) => res.send("Hello, World!"));
const s2 = harpia();
s2.get("/users/:id", (req, res) => res.json({ id: req.params.id, name: "Ada Lovelace", active: true }));
const s3 = harpia();
for (let i = 0; i < 5; i++) s3.use((_req, _res, next) => next());
s3.get("/users/:id", (req, res) => res.json({ id: req.params.id, name: "Ada Lovelace", active: true }));
const s3async = harpia();
for (let i = 0; i < 5; i++)
  s3async.use(async (_req, _res, next) => {
    await next();
  });
s3async.get("/users/:id", (req, res) => res.json({ id: req.params.id, name: "Ada Lovelace", active: true }));

const root = new Request("http://127.0.0.1:3000/");
const userReq = new Request("http://127.0.0.1:3000/users/42");

async function time(label: string, fn: () => unknown, n = 200_000): Promise<number> {
  for (let i = 0; i < 20_000; i++) await fn();
  const start = Bun.nanoseconds();
  for (let i = 0; i < n; i++) {
    const r = fn();
    if (r instanceof Promise) await r;
  }
  const ns = (Bun.nanoseconds() - start) / n;
  console.log(`${label.padEnd(28)} ${ns.toFixed(0).padStart(6)} ns/request`);
  return ns;
}

for (let round = 0; round < 3; round++) {
  const rawS1 = await time("raw S1", () => raw(root));
  const hS1 = await time("harpia S1", () => s1.fetch(root));
  const rawS2 = await time("raw S2", () => raw(userReq));
  const hS2 = await time("harpia S2", () => s2.fetch(userReq));
  const hS3 = await time("harpia S3", () => s3.fetch(userReq));
  const hS3a = await time("harpia S3 async", () => s3async.fetch(userReq));
  console.log(
    `overhead S1 ${(hS1 - rawS1).toFixed(0)} ns, S2 ${(hS2 - rawS2).toFixed(0)} ns, S3 ${(hS3 - rawS2).toFixed(0)} ns, S3 async ${(hS3a - rawS2).toFixed(0)} ns\n`,
  );
}

// S4: a JSON body echoed (a fresh Request per iteration, for both).
const s4 = harpia();
s4.post("/echo", (req, res) => res.json(req.body));
const payload = JSON.stringify({ name: "Ada", tags: ["math", "engines"], n: 1815 });
const post = () =>
  new Request("http://127.0.0.1:3000/echo", {
    method: "POST",
    body: payload,
    headers: { "content-type": "application/json", "content-length": String(payload.length) },
  });
for (let round = 0; round < 2; round++) {
  const rawS4 = await time("raw S4", async () => Response.json(await post().json()), 100_000);
  const hS4 = await time("harpia S4", () => s4.fetch(post()), 100_000);
  console.log(`overhead S4 ${(hS4 - rawS4).toFixed(0)} ns\n`);
}

// S7: CORS, a cookie read and 12 response headers.

const s7 = harpia();
s7.cors({ origin: "*" });
s7.get("/users/:id", (req, res) => {
  for (const [name, value] of TWELVE_HEADERS) res.header(name, value);
  res.header("x-session", req.cookies.get("session") ?? "none");
  res.json({ id: req.params.id, name: "Ada Lovelace", active: true });
});
const s7Req = new Request("http://127.0.0.1:3000/users/42", {
  headers: { origin: "https://app.example", cookie: "session=abc123; theme=dark" },
});
const rawS7 = (req: Request) => {
  const headers = new Headers(TWELVE_HEADERS);
  if (req.headers.get("origin")) headers.set("access-control-allow-origin", "*");
  const cookie = req.headers.get("cookie") ?? "";
  headers.set("x-session", /(?:^|; )session=([^;]*)/.exec(cookie)?.[1] ?? "none");
  return Response.json({ id: "42", name: "Ada Lovelace", active: true }, { headers });
};
for (let round = 0; round < 2; round++) {
  const raw7 = await time("raw S7", () => rawS7(s7Req), 100_000);
  const h7 = await time("harpia S7", () => s7.fetch(s7Req), 100_000);
  console.log(`overhead S7 ${(h7 - raw7).toFixed(0)} ns (${(raw7 / h7).toFixed(2)}× of raw in process)\n`);
}
