import { afterAll, describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import harpia from "./index";

describe("query", () => {
  const app = harpia();
  app.get("/search", (req) => ({ query: req.query, tags: req.queries("tag"), none: req.queries("none") }));
  const client = new TestClient(app);

  test("first value per key, repeated keys available", async () => {
    const res = await client
      .get("/search")
      .query("q", "bun js")
      .query("tag", "a")
      .query("tag", "b")
      .execute();
    expect(await res.json()).toEqual({ query: { q: "bun js", tag: "a" }, tags: ["a", "b"], none: [] });
  });

  test("no query string gives an empty object", async () => {
    expect((await (await client.get("/search").execute()).json()).query).toEqual({});
  });

  test("path excludes the query and stays encoded", async () => {
    const app2 = harpia();
    app2.get("/p/:x", (req) => ({ path: req.path, url: req.url }));
    const body = await (await new TestClient(app2).get("/p/a%20b?z=1").execute()).json();
    expect(body).toEqual({ path: "/p/a%20b", url: "http://localhost/p/a%20b?z=1" });
  });
});

describe("cookies", () => {
  test("get and getAll, values with = and non-ASCII survive a round trip", async () => {
    const app = harpia();
    app.get("/set", (_req, res) => {
      res.cookies.set("token", "a=b=c", { httpOnly: true });
      res.cookies.set("name", "Júlia ✓; ok");
      return "set";
    });
    app.get("/read", (req) => ({
      token: req.cookies.get("token"),
      name: req.cookies.get("name"),
      all: req.cookies.getAll(),
    }));
    const client = new TestClient(app, { cookies: true });
    await client.get("/set").execute();
    const body = await (await client.get("/read").execute()).json();
    expect(body.token).toBe("a=b=c");
    expect(body.name).toBe("Júlia ✓; ok");
    expect(body.all).toEqual({ token: "a=b=c", name: "Júlia ✓; ok" });
  });

  test("a malformed Cookie header never fails the request", async () => {
    const app = harpia();
    app.get("/", (req) => ({ all: req.cookies.getAll(), x: req.cookies.get("x") ?? null }));
    for (const header of ["=;;=;", "x=%E0%A4%A", "garbage", "a=1; a=2; ;;; =3", "\u00ff=\u00ff; \u00e9"]) {
      const res = await new TestClient(app).get("/").set("cookie", header).execute();
      expect(res.status).toBe(200);
    }
    const body = await (await new TestClient(app).get("/").set("cookie", "x=%E0%A4%A").execute()).json();
    expect(body.x).toBe("%E0%A4%A");
  });

  test("signed cookies: verified on read, tampering detected, secrets rotate", async () => {
    const old = harpia({ cookieSecret: "old-secret" });
    old.get("/sign", (_req, res) => res.cookie("uid", "42", { signed: true }).send("ok"));
    const signed = (await new TestClient(old).get("/sign").execute()).headers.getSetCookie()[0]!;
    const value = signed.slice("uid=".length, signed.indexOf(";"));

    const app = harpia({ cookieSecret: ["new-secret", "old-secret"] });
    app.get("/who", (req) => ({
      uid: req.cookies.getSigned("uid") ?? null,
      plain: req.cookies.get("uid") ?? null,
    }));
    const client = new TestClient(app);
    expect(await (await client.get("/who").set("cookie", `uid=${value}`).execute()).json()).toEqual({
      uid: "42",
      plain: "42",
    });
    const forged = decodeURIComponent(value).replace("s:42.", "s:43.");
    expect(
      await (
        await client
          .get("/who")
          .set("cookie", `uid=${encodeURIComponent(forged)}`)
          .execute()
      ).json(),
    ).toEqual({
      uid: null,
      plain: null,
    });
    expect(await (await client.get("/who").set("cookie", "uid=42").execute()).json()).toEqual({
      uid: null,
      plain: "42",
    });
  });

  test("a signature for one cookie name does not validate another", async () => {
    const app = harpia({ cookieSecret: "s" });
    app.get("/sign", (_req, res) => res.cookie("role", "admin", { signed: true }).send("ok"));
    app.get("/read", (req) => ({ uid: req.cookies.getSigned("uid") ?? null }));
    const setCookie = (await new TestClient(app).get("/sign").execute()).headers.getSetCookie()[0]!;
    const value = setCookie.slice("role=".length, setCookie.indexOf(";"));
    expect(
      await (await new TestClient(app).get("/read").set("cookie", `uid=${value}`).execute()).json(),
    ).toEqual({ uid: null });
  });
});

describe("client IP", () => {
  test("from the socket address; X-Forwarded-For ignored unless trustProxy", async () => {
    const app = harpia();
    app.get("/", (req) => ({ ip: req.ip, viaApp: app.requestIP(req) }));
    const res = await new TestClient(app).get("/").ip("10.1.2.3").set("x-forwarded-for", "6.6.6.6").execute();
    expect(await res.json()).toEqual({ ip: "10.1.2.3", viaApp: "10.1.2.3" });
  });

  test("trustProxy true takes the left-most forwarded address; a number trusts that many hops", async () => {
    const all = harpia({ trustProxy: true });
    all.get("/", (req) => req.ip);
    const one = harpia({ trustProxy: 1 });
    one.get("/", (req) => req.ip);
    const xff = "203.0.113.9, 10.0.0.1, 10.0.0.2";
    expect(await (await new TestClient(all).get("/").set("x-forwarded-for", xff).execute()).text()).toBe(
      "203.0.113.9",
    );
    expect(await (await new TestClient(one).get("/").set("x-forwarded-for", xff).execute()).text()).toBe(
      "10.0.0.2",
    );
  });

  test("app.requestIP() without the request is a clear error, not another request's address", () => {
    expect(() => (harpia().requestIP as (r?: unknown) => unknown)()).toThrow("needs the request");
  });

  test("200 concurrent requests from different addresses each see their own", async () => {
    const app = harpia();
    app.get("/", async (req) => {
      await Bun.sleep(Math.random() * 5);
      return { ip: req.ip };
    });
    const client = new TestClient(app);
    const ips = Array.from({ length: 200 }, (_, i) => `10.0.${Math.floor(i / 250)}.${i % 250}`);
    const results = await Promise.all(
      ips.map(async (ip) => (await (await client.get("/").ip(ip).execute()).json()).ip),
    );
    expect(results).toEqual(ips);
  });
});

describe("protocol", () => {
  test("from the URL; X-Forwarded-Proto only from a trusted proxy", async () => {
    const direct = harpia();
    direct.get("/", (req) => ({ protocol: req.protocol, secure: req.secure }));
    const proxied = harpia({ trustProxy: 1 });
    proxied.get("/", (req) => ({ protocol: req.protocol, secure: req.secure }));
    const forwarded = (client: TestClient, value: string) =>
      client.get("/").set("x-forwarded-proto", value).execute();
    expect(await (await forwarded(new TestClient(direct), "https")).json()).toEqual({
      protocol: "http",
      secure: false,
    });
    expect(await (await forwarded(new TestClient(proxied), "http, HTTPS")).json()).toEqual({
      protocol: "https",
      secure: true,
    });
    // A client cannot claim HTTPS past the one trusted hop.
    expect(await (await forwarded(new TestClient(proxied), "https, http")).json()).toEqual({
      protocol: "http",
      secure: false,
    });
    const tls = new TestClient(direct, { baseUrl: "https://example.com" });
    expect(await (await tls.get("/").execute()).json()).toEqual({ protocol: "https", secure: true });
  });
});

describe("over a real socket", () => {
  const app = harpia();
  app.get("/ip", (req) => ({ ip: req.ip }));
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  afterAll(() => server.stop(true));

  test("req.ip is the socket address", async () => {
    const res = await fetch(new URL("/ip", server.url));
    expect(await res.json()).toEqual({ ip: "127.0.0.1" });
  });
});
