import { afterAll, describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import harpia from "./index";

function makeApp(options?: Parameters<typeof harpia>[0]) {
  const app = harpia(options);
  app.post("/account", (req) => ({ via: "POST", body: req.body }));
  app.delete("/account", (req) => ({ via: "DELETE", original: req.originalMethod, body: req.body }));
  app.put("/account", (req) => ({ via: "PUT", body: req.body ?? null }));
  return app;
}

describe("method override", () => {
  const client = new TestClient(makeApp());
  const form = (text: string) =>
    client.post("/account").set("content-type", "application/x-www-form-urlencoded").send(text);

  test("the seed's HTML form with _method=DELETE reaches the DELETE handler with its body parsed", async () => {
    const res = await form("_method=DELETE&reason=moving").execute();
    expect(await res.json()).toEqual({
      via: "DELETE",
      original: "POST",
      body: { _method: "DELETE", reason: "moving" },
    });
  });

  test("X-HTTP-Method-Override header on a POST", async () => {
    const res = await client.post("/account").set("x-http-method-override", "put").json({ a: 1 }).execute();
    expect(await res.json()).toEqual({ via: "PUT", body: { a: 1 } });
  });

  test("only PUT, PATCH and DELETE can be asked for", async () => {
    expect((await (await form("_method=GET&x=1").execute()).json()).via).toBe("POST");
    const header = await client.post("/account").set("x-http-method-override", "TRACE").json({}).execute();
    expect((await header.json()).via).toBe("POST");
  });

  test("never applies to other methods than POST", async () => {
    const res = await client.put("/account").set("x-http-method-override", "DELETE").execute();
    expect((await res.json()).via).toBe("PUT");
  });

  test("can be turned off", async () => {
    const off = new TestClient(makeApp({ methodOverride: false }));
    const res = await off
      .post("/account")
      .set("content-type", "application/x-www-form-urlencoded")
      .send("_method=DELETE")
      .execute();
    expect((await res.json()).via).toBe("POST");
  });

  test("a malformed form body is still a 400", async () => {
    expect((await form("_method=%E0%A4%A").execute()).status).toBe(400);
  });
});

describe("an HTML form end to end over a real socket", () => {
  const app = makeApp();
  app.get("/", (_req, res) =>
    res.html(`<form action="/account" method="POST" enctype="application/x-www-form-urlencoded">
  <input type="hidden" name="_method" value="DELETE"><button type="submit">Delete</button></form>`),
  );
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  afterAll(() => server.stop(true));

  test("submitting the form as a browser would", async () => {
    const page = await (await fetch(server.url)).text();
    const fields = new URLSearchParams(
      [...page.matchAll(/name="(\w+)" value="(\w+)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    const res = await fetch(new URL("/account", server.url), { method: "POST", body: fields });
    expect(res.headers.get("content-type")).toBe("application/json;charset=utf-8");
    expect((await res.json()).via).toBe("DELETE");
  });
});

/**
 * What a browser sends with a form POST: `Origin` and `Sec-Fetch-Site` (which pages cannot set).
 * A cross-site form is a "simple" request, sent with the visitor's cookies and no preflight, so
 * it must never reach a DELETE handler.
 */
describe("method override is never applied to a cross-site request", () => {
  const app = makeApp();
  const post = (headers: Record<string, string>, body = "_method=DELETE", path = "/account") =>
    app
      .fetch(
        new Request(`http://app.example${path}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
          body,
        }),
      )
      .then(async (res) => ({ status: res.status, body: await res.json() }));

  test("a cross-site form with _method=DELETE stays a POST", async () => {
    const res = await post({ origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(res.body).toEqual({ via: "POST", body: { _method: "DELETE" } });
  });

  test("the X-HTTP-Method-Override header is refused cross-site too", async () => {
    const res = await post(
      { origin: "https://evil.example", "sec-fetch-site": "cross-site", "x-http-method-override": "DELETE" },
      "a=1",
    );
    expect(res.body.via).toBe("POST");
  });

  test("a same-origin form (Sec-Fetch-Site: same-origin) still overrides", async () => {
    const res = await post({ origin: "http://app.example", "sec-fetch-site": "same-origin" });
    expect(res.body).toMatchObject({ via: "DELETE", original: "POST" });
  });

  test("a sibling subdomain (same-site) is refused unless listed", async () => {
    const sibling = { origin: "https://admin.app.example", "sec-fetch-site": "same-site" };
    expect((await post(sibling)).body.via).toBe("POST");
    const listing = makeApp({ methodOverride: { allowOrigins: ["https://admin.app.example"] } });
    const res = await listing.fetch(
      new Request("http://app.example/account", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...sibling },
        body: "_method=DELETE",
      }),
    );
    expect((await res.json()).via).toBe("DELETE");
  });

  test("a listed origin may override even cross-site; others may not", async () => {
    const listing = new TestClient(
      makeApp({ methodOverride: { methods: ["delete"], allowOrigins: ["https://forms.example/"] } }),
    );
    const from = (origin: string) =>
      listing
        .post("/account")
        .set("origin", origin)
        .set("sec-fetch-site", "cross-site")
        .set("content-type", "application/x-www-form-urlencoded")
        .send("_method=DELETE")
        .execute()
        .then((res) => res.json());
    expect((await from("https://forms.example")).via).toBe("DELETE");
    expect((await from("https://evil.example")).via).toBe("POST");
  });

  test("without Sec-Fetch-Site (older browsers) the Origin must be the app's own", async () => {
    expect((await post({ origin: "https://evil.example" })).body.via).toBe("POST");
    expect((await post({ origin: "null" })).body.via).toBe("POST");
    expect((await post({ origin: "http://app.example" })).body.via).toBe("DELETE");
    // Another scheme or port is another origin.
    expect((await post({ origin: "https://app.example" })).body.via).toBe("POST");
  });

  test("behind a TLS proxy the app's origin follows trustProxy (X-Forwarded-Proto, X-Forwarded-Host)", async () => {
    const headers = {
      origin: "https://shop.example",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "shop.example",
      "content-type": "application/x-www-form-urlencoded",
    };
    const ask = (app: ReturnType<typeof makeApp>) =>
      app
        .fetch(
          new Request("http://10.0.0.7:3000/account", { method: "POST", headers, body: "_method=DELETE" }),
        )
        .then((res) => res.json());
    expect((await ask(makeApp({ trustProxy: 1 }))).via).toBe("DELETE");
    // Not trusted: the forwarded headers are anyone's word, so the origin does not match.
    expect((await ask(makeApp())).via).toBe("POST");
  });

  test("no Origin and no Sec-Fetch-Site (curl, server to server) still overrides", async () => {
    expect((await post({})).body.via).toBe("DELETE");
  });

  test("a refused override without a POST route is a 405, not a 500", async () => {
    const app = harpia();
    app.delete("/items/:id", () => "gone");
    const res = await app.fetch(
      new Request("http://app.example/items/1", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "https://evil.example",
          "sec-fetch-site": "cross-site",
        },
        body: "_method=DELETE",
      }),
    );
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("DELETE");
  });

  test("options are checked at creation", () => {
    expect(() => harpia({ methodOverride: { allowOrigins: ["https://a.example/path"] } })).toThrow(
      /allowOrigins/,
    );
    expect(() => harpia({ methodOverride: { allowOrigins: ["*"] } })).toThrow(/allowOrigins/);
    expect(() => harpia({ methodOverride: { methods: [] } })).toThrow(/methodOverride.methods/);
    expect(() => harpia({ methodOverride: "yes" as never })).toThrow(/methodOverride/);
  });
});

describe("cross-site override over a real socket (Bun's native routes)", () => {
  const app = makeApp();
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  afterAll(() => server.stop(true));
  const submit = (headers: Record<string, string>) =>
    fetch(new URL("/account", server.url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: "_method=DELETE",
    }).then((res) => res.json());

  test("the POST route answers a cross-site form; a same-origin one reaches DELETE", async () => {
    expect((await submit({ origin: "https://evil.example", "sec-fetch-site": "cross-site" })).via).toBe(
      "POST",
    );
    expect((await submit({ origin: server.url.origin, "sec-fetch-site": "same-origin" })).via).toBe("DELETE");
    expect((await submit({ origin: server.url.origin })).via).toBe("DELETE");
  });
});
