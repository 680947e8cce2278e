/**
 * Raw `Bun.serve` variants that bound what a framework can reach (see `../../ceilings.ts`): the
 * same answer as S2 or S4, written by hand with the work a framework's guarantees imply, and
 * nothing else. `bun src/servers/raw/ceilings.ts <variant> <port>`.
 */
import { ready, user } from "../../scenarios";

/** What a chain level leaves for the next: the response being made. */
interface Context {
  id: string;
  body: unknown;
}

type Middleware = (ctx: Context, next: () => Promise<void>) => Promise<void>;

/** The middleware: `async (req, res, next) => { await next() }`. */
const passThrough: Middleware = async (_ctx, next) => {
  await next();
};
const LEVELS = 5;
const middlewares: Middleware[] = Array.from({ length: LEVELS }, () => passThrough);
const json = (ctx: Context) => Response.json(ctx.body);
const answerUser = (ctx: Context) => {
  ctx.body = user(ctx.id);
};

/**
 * Koa's and Hono's composition: each level awaits the next one's promise as it is, so a
 * rejection deep down propagates up through every `await next()`.
 */
function propagating(ctx: Context): Promise<void> {
  const dispatch = (i: number): Promise<void> => {
    if (i === LEVELS) {
      answerUser(ctx);
      return Promise.resolve();
    }
    return middlewares[i]!(ctx, () => dispatch(i + 1));
  };
  return dispatch(0);
}

/**
 * Harpia's guarantee: an error is answered where it happens, so `await next()` never throws and
 * outer middleware (a logger) still sees the final status. Each level's promise is guarded
 * (`.then(ok, answer)`), which is one more promise step per level than `propagating`.
 */
function guarded(ctx: Context): Promise<void> {
  const answerError = () => {
    ctx.body = { error: "Internal Server Error" };
  };
  const dispatch = (i: number): Promise<void> => {
    if (i === LEVELS) {
      answerUser(ctx);
      return Promise.resolve();
    }
    return middlewares[i]!(ctx, () => dispatch(i + 1)).then(undefined, answerError);
  };
  return dispatch(0);
}

/** Deepest JSON nesting accepted (Harpia's default `jsonDepth`). */
const JSON_DEPTH = 64;
const BODY_LIMIT = 1024 * 1024;

/**
 * What Harpia's body policy guarantees before a handler sees `req.body`: 415 for another media
 * type, 413 past the limit from `Content-Length`, 400 for invalid UTF-8 or nesting past 64
 * (both proved cheaply for a short body, as Harpia does), and the text kept for `req.text()`.
 */
async function guardedJson(req: Request): Promise<unknown> {
  const headers = req.headers;
  const type = headers.get("content-type");
  if (type !== "application/json") throw new Response("Unsupported Media Type", { status: 415 });
  const declared = headers.get("content-length");
  if (declared !== null && Number(declared) > BODY_LIMIT) throw new Response("Too Large", { status: 413 });
  const text = await req.text();
  if (text.includes("\uFFFD") && Buffer.byteLength(text, "utf8") !== Number(declared))
    throw new Response("Bad Request", { status: 400 });
  // Shorter text cannot nest past the limit (Harpia's first check); S4's body is 51 bytes.
  if (text.length > 2 * JSON_DEPTH + 1) throw new Error("not measured: S4's body is short");
  return JSON.parse(text);
}

const VARIANTS: Record<string, Record<string, unknown>> = {
  "S2-sync": { "/users/:id": (req: Bun.BunRequest<"/users/:id">) => Response.json(user(req.params.id)) },
  "S2-async": {
    "/users/:id": async (req: Bun.BunRequest<"/users/:id">) => Response.json(user(req.params.id)),
  },
  "S3-propagating": {
    "/users/:id": (req: Bun.BunRequest<"/users/:id">) => {
      const ctx: Context = { id: req.params.id, body: undefined };
      return propagating(ctx).then(() => json(ctx));
    },
  },
  "S3-guarded": {
    "/users/:id": (req: Bun.BunRequest<"/users/:id">) => {
      const ctx: Context = { id: req.params.id, body: undefined };
      return guarded(ctx).then(() => json(ctx));
    },
  },
  "S4-json": { "/echo": { POST: async (req: Request) => Response.json(await req.json()) } },
  "S4-text": { "/echo": { POST: async (req: Request) => Response.json(JSON.parse(await req.text())) } },
  "S4-guarded": {
    "/echo": {
      POST: (req: Request) =>
        guardedJson(req).then(
          (body) => Response.json(body),
          (refused: unknown) => (refused instanceof Response ? refused : new Response(null, { status: 500 })),
        ),
    },
  },
};

const [variant = "S2-sync", port = "0"] = process.argv.slice(2);
const routes = VARIANTS[variant];
if (routes === undefined) throw new Error(`unknown variant ${variant}: ${Object.keys(VARIANTS).join(", ")}`);
const server = Bun.serve({
  port: Number(port),
  hostname: "127.0.0.1",
  routes: routes as Bun.Serve.Routes<undefined, string>,
  fetch: () => new Response("Not Found", { status: 404 }),
});
ready(server.port!);
