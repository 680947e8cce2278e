// Session and CSRF on @harpia/store-redis's RedisStore, against a real Redis (REDIS_URL,
// default redis://127.0.0.1:6379; a Cluster and a Sentinel setup under `bun run
// test:topologies`), each run under a key prefix of its own that is removed.
import { afterAll, describe, expect, test } from "bun:test";
import harpia, { type Harpia, HttpError } from "@harpia/core";
import { RedisStore } from "@harpia/store-redis";
import { TestClient } from "@harpia/test-client";
import { testRedis } from "../../store-redis/test/support/target";
import { seedSessionApp } from "../test/support/seed-example";
import { csrf, session } from "./index";

const stores: RedisStore[] = [];

function redisStore(prefix: string): RedisStore {
  const store = new RedisStore(testRedis.connection(), { prefix });
  stores.push(store);
  return store;
}

function uniquePrefix(label: string): string {
  return `test:session-${label}:${crypto.randomUUID()}:`;
}

afterAll(async () => {
  for (const store of stores) {
    await store.clear().catch(() => {});
    await store.close();
  }
});

/** Two instances behind a round-robin balancer: consecutive requests alternate between them. */
function balanced(apps: Harpia[]): { fetch: Harpia["fetch"] } {
  let next = 0;
  return { fetch: (request, server) => apps[next++ % apps.length]!.fetch(request, server) };
}

describe("seed: Redis sessions", () => {
  // The seed's example, with its hand-written RedisStore replaced by @harpia/store-redis.
  const seedApp = (redisStore: RedisStore) => seedSessionApp(redisStore);

  test("login, profile and logout work across two instances sharing one Redis", async () => {
    const prefix = uniquePrefix("seed");
    const first = redisStore(prefix);
    const client = new TestClient(balanced([seedApp(first), seedApp(redisStore(prefix))]), { cookies: true });

    expect((await client.get("/profile").execute()).status).toBe(401);
    const login = await client.post("/login").execute();
    expect(await login.json()).toEqual({ message: "Successful login!" });
    const sessionId = /my_session_id=([^;]+)/.exec(login.headers.getSetCookie().join("\n"))![1]!;

    // Served by the other instance, which never saw the login.
    const profile = await client.get("/profile").execute();
    expect(await profile.json()).toEqual({ profile: { userId: "12345", username: "pyro" } });
    expect(await first.get(`sess:${sessionId}`)).toBeDefined();
    // Stored with the Session's TTL (24 hours by default), so Redis expires it by itself.
    const ttl = await first.client.pttl(`${prefix}sess:${sessionId}`);
    expect(ttl).toBeGreaterThan(86_000_000);
    expect(ttl).toBeLessThanOrEqual(86_400_000);

    expect(await (await client.post("/login").execute()).json()).toEqual({
      message: "Session does not exists.",
    });
    expect(await (await client.post("/logout").execute()).json()).toEqual({ message: "Successful logout!" });
    expect(await first.has(`sess:${sessionId}`)).toBe(false);
    expect((await client.get("/profile").execute()).status).toBe(401);
  });
});

describe("req.session and CSRF on RedisStore", () => {
  function site(store: RedisStore): Harpia {
    const app = harpia({ logErrors: false });
    app.use(session({ store }));
    app.use(csrf({ store, maxTokens: 3 }));
    app.get("/form", (req, res) =>
      res.json({ token: res.locals.csrfToken, visits: req.session.visits ?? 0 }),
    );
    app.post("/visit", (req) => {
      req.session.visits = ((req.session.visits as number | undefined) ?? 0) + 1;
      return { visits: req.session.visits };
    });
    app.post("/fail", () => {
      throw new HttpError(418, "no");
    });
    return app;
  }

  test("a token issued by one instance is accepted by the other; forged or missing ones are 403", async () => {
    const prefix = uniquePrefix("csrf");
    const store = redisStore(prefix);
    const client = new TestClient(balanced([site(store), site(redisStore(prefix))]), { cookies: true });

    const { token } = (await (await client.get("/form").execute()).json()) as { token: string };
    expect(token).toEqual(expect.any(String));
    const accepted = await client.post("/visit").set("x-csrf-token", token).execute();
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ visits: 1 });
    const again = await client.post("/visit").json({ _csrf: token }).execute();
    expect(await again.json()).toEqual({ visits: 2 });
    expect(((await (await client.get("/form").execute()).json()) as { visits: number }).visits).toBe(2);

    expect((await client.post("/visit").set("x-csrf-token", "forged-token").execute()).status).toBe(403);
    expect((await client.post("/visit").execute()).status).toBe(403);

    // Nothing is stored per token or per visitor: the only CSRF key is the secret both
    // instances created together (SET NX) and share.
    for (let i = 0; i < 5; i++) await client.get(`/form?fresh=${i}`).execute();
    expect(await store.keys("csrf:")).toEqual(["csrf:~secret"]);
  });

  test("Redis unreachable: session routes answer 503, not 500", async () => {
    const down = new RedisStore({ url: "redis://127.0.0.1:1" }, { logErrors: false, commandTimeout: 200 });
    stores.push(down);
    const response = await new TestClient(site(down))
      .get("/form")
      .set("cookie", `session_id=${"a".repeat(32)}`)
      .execute();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
  });
});
