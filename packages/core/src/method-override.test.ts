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
