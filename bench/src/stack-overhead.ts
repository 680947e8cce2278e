/**
 * Where Harpia spends in the real-app scenarios (S8 stack + session, S9 page, S10 production), in
 * process, without HTTP: the same route answered through `app.fetch` with one more piece each
 * time, CPU time per request, variants interleaved over rounds. Not part of `bun run bench`; it
 * tells which piece to look at when S8–S10 trail raw Bun.
 *
 *   bun run --cwd bench src/stack-overhead.ts [--rounds 5] [--requests 100000] [--only S10]
 */
import path from "node:path";
import { parseArgs } from "node:util";
import harpia, { logger } from "@harpia/core";
import { rateLimit } from "@harpia/rate-limit";
import { requestId } from "@harpia/request-id";
import { session } from "@harpia/session";
import { shield } from "@harpia/shield";
import { TemplateEngine } from "@harpia/template-engine";
import { COOKIE_SECRET, PAGE_ROWS, PAGE_TITLE, VIEWER, VIEWS_DIR, viewedUser } from "./real-app";
import { user } from "./scenarios";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    requests: { type: "string", default: "100000" },
    /** Only these groups, comma-separated (`S8`, `S9`, `S10`). */
    only: { type: "string" },
  },
});
const ONLY = args.only === undefined ? undefined : new Set(args.only.toUpperCase().split(","));
const wanted = (group: string) => ONLY === undefined || ONLY.has(group);
const ROUNDS = Math.min(Math.max(Number(args.rounds), 1), 20);
const N = Math.min(Math.max(Number(args.requests), 1000), 1_000_000);

type App = ReturnType<typeof harpia>;
interface Variant {
  label: string;
  app: App;
  path: string;
  headers: Record<string, string>;
}

const BASE = "http://127.0.0.1:3000";

/** An app for S8/S9 pieces: signed cookies, a trusted proxy (HSTS), optionally logged in. */
async function variant(
  label: string,
  pieces: { cors?: boolean; shield?: "plain" | "nonce"; session?: boolean; page?: boolean },
): Promise<Variant> {
  const app = harpia({ logErrors: false, cookieSecret: COOKIE_SECRET, trustProxy: true });
  if (pieces.shield) app.use(shield({ useNonce: pieces.shield === "nonce" }));
  if (pieces.session) {
    app.use(session({ cookie: { signed: true } }));
    app.get("/login", (req, res) => {
      req.session.userId = VIEWER.userId;
      req.session.name = VIEWER.name;
      res.send("ok");
    });
  }
  if (pieces.cors) app.cors({ origin: "*" });
  if (pieces.page) {
    app.use(
      new TemplateEngine({
        viewName: "page",
        path: {
          views: path.join(VIEWS_DIR, "harpia/pages"),
          layouts: path.join(VIEWS_DIR, "harpia/layouts"),
        },
      }),
    );
    app.get("/orders", async (req, res) => {
      const viewer = pieces.session ? req.session.name : undefined;
      await res.render("orders", { title: PAGE_TITLE, viewer: viewer ?? "guest", rows: PAGE_ROWS });
    });
  } else {
    app.get("/users/:id", (req, res) => {
      res.header("x-theme", req.cookies.get("theme") ?? "none");
      res.json(viewedUser(req.params.id, pieces.session ? req.session.name : undefined));
    });
  }
  const headers: Record<string, string> = {
    origin: "https://app.example",
    cookie: "theme=dark",
    "x-forwarded-proto": "https",
  };
  if (pieces.session) {
    const res = await app.fetch(new Request(`${BASE}/login`));
    const cookie = res.headers.getSetCookie()[0]!.split(";")[0]!;
    headers.cookie = `${cookie}; theme=dark`;
  }
  return { label, app, path: pieces.page ? "/orders" : "/users/42", headers };
}

/** An app for S10 pieces (the rate limit keyed by a constant: `app.fetch` has no client address). */
function production(label: string, pieces: { id?: boolean; log?: boolean; limit?: boolean }): Variant {
  const app = harpia({ logErrors: false });
  if (pieces.id) app.use(requestId());
  if (pieces.log)
    app.use(
      logger({ format: "json", write: () => {}, fields: (req) => ({ requestId: req.state.requestId }) }),
    );
  if (pieces.limit) app.use(rateLimit({ limit: 1_000_000_000, window: 60, key: () => "client" }));
  app.get("/users/:id", (req, res) => res.json(user(req.params.id)));
  return { label, app, path: "/users/42", headers: {} };
}

const variants: Variant[] = [];
if (wanted("S8"))
  variants.push(
    await variant("S8: S2 route + cookie read (no plugin)", {}),
    await variant("  + app.cors", { cors: true }),
    await variant("  + shield (12 headers)", { cors: true, shield: "plain" }),
    await variant("  + session, signed cookie (= S8)", { cors: true, shield: "plain", session: true }),
    await variant("  session alone (no cors, no shield)", { session: true }),
  );
if (wanted("S9"))
  variants.push(
    await variant("S9: template render only", { page: true }),
    await variant("  + shield with nonce", { page: true, shield: "nonce" }),
    await variant("  + session (= S9)", { page: true, shield: "nonce", session: true }),
  );
if (wanted("S10"))
  variants.push(
    production("S10: S2 route (no plugin)", {}),
    production("  + request id", { id: true }),
    production("  + JSON logger", { id: true, log: true }),
    production("  + rate limit (= S10)", { id: true, log: true, limit: true }),
    production("  rate limit alone", { limit: true }),
    production("  JSON logger alone", { log: true }),
  );
if (variants.length === 0) throw new Error(`--only ${args.only}: no such group (S8, S9, S10)`);

/** CPU time (user + system) per request, so other load on the machine stretches it less. */
async function time(v: Variant, count: number): Promise<number> {
  const request = () => new Request(`${BASE}${v.path}`, { headers: v.headers });
  for (let i = 0; i < Math.min(count, 10_000); i++) await (await v.app.fetch(request())).arrayBuffer();
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) await (await v.app.fetch(request())).arrayBuffer();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / count;
}

// Every variant must answer 200 before anything is timed.
for (const v of variants) {
  const res = await v.app.fetch(new Request(`${BASE}${v.path}`, { headers: v.headers }));
  if (res.status !== 200) throw new Error(`${v.label}: ${res.status} ${await res.text()}`);
  const body = await res.text();
  if (v.headers.cookie?.includes("session_id") && !body.includes(VIEWER.name))
    throw new Error(`${v.label}: the session was not read`);
}

const results = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++)
  for (const v of variants) results.set(v.label, [...(results.get(v.label) ?? []), await time(v, N)]);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `Through app.fetch, CPU time per request (request built and body read included), median of ${ROUNDS} interleaved rounds of ${N.toLocaleString()}; Bun ${Bun.version}:\n`,
);
console.log("| variant | µs / request |");
console.log("| --- | ---: |");
for (const v of variants)
  console.log(`| ${v.label} | ${(median(results.get(v.label)!) / 1000).toFixed(2)} |`);
