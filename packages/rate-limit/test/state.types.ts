// Type-level checks, run by `tsc -p packages/rate-limit/tsconfig.json` (`bun run typecheck`):
// every `@ts-expect-error` below must be an error, or the check fails.
import harpia, { MemoryStore, type Middleware, Router } from "@harpia/core";
import { type RateLimiter, type RateLimitInfo, type RateLimitOptions, rateLimit } from "@harpia/rate-limit";

const app = harpia();
const limiter: RateLimiter = rateLimit({ limit: 5, window: "1m" });
app.use(limiter);
app.post(
  "/login",
  rateLimit({ limit: 5, window: "15 minutes", name: "login", count: "failures" }),
  () => "ok",
);
const router = Router("api");
router.use(rateLimit({ limit: 100, window: 60, name: "api" }));
// A limiter is middleware.
export const asMiddleware: Middleware = limiter;

app.get("/", (req) => {
  // Importing the package types req.state.rateLimit.
  const info: RateLimitInfo | undefined = req.state.rateLimit?.login;
  // @ts-expect-error it may be absent (skipped, allowed-listed, or no limiter counted the request)
  const sure: RateLimitInfo = req.state.rateLimit.login;
  // @ts-expect-error remaining is a number
  const wrong: string | undefined = info?.remaining;
  return [info, sure, wrong];
});

export const checked: RateLimitOptions[] = [
  { limit: 10, window: "1h", key: (req) => req.header("x-api-key") ?? undefined },
  { limit: 10, window: 30, key: async () => "tenant-1", skip: async (req) => req.path === "/health" },
  {
    limit: 10,
    window: "1d",
    store: new MemoryStore(),
    name: "daily",
    onStoreError: "refuse",
    headers: "legacy",
  },
  {
    limit: 10,
    window: "10s",
    algorithm: "fixed",
    allow: ["10.0.0.0/8"],
    count: (_req, res) => res.statusCode !== 422,
  },
  // @ts-expect-error limit is required
  { window: "1m" },
  // @ts-expect-error a window string needs a unit
  { limit: 10, window: "60" },
  // @ts-expect-error no such algorithm
  { limit: 10, window: "1m", algorithm: "token-bucket" },
  // @ts-expect-error unknown option
  { limit: 10, window: "1m", max: 10 },
  // @ts-expect-error key returns a string or undefined
  { limit: 10, window: "1m", key: () => 42 },
];
