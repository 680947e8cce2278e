// res.headerDefaults(prepared): a fixed set of headers under everything the response sets itself.
import { describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import harpia from "./index";

const PREPARED = new Headers({ "x-frame-options": "SAMEORIGIN", "x-content-type-options": "nosniff" });
const SECOND = new Headers({ "x-frame-options": "DENY", "referrer-policy": "no-referrer" });

function app() {
  const app = harpia({ logErrors: false });
  app.addHook("onSend", (_req, res) => {
    res.headerDefaults(PREPARED);
  });
  app.get("/json", (_req, res) => res.status(201).json({ a: 1 }));
  app.get("/text", (_req, res) => res.send("hi"));
  app.get("/own", (_req, res) => {
    res.header("x-frame-options", "DENY");
    res.cookie("a", "1");
    res.cookie("b", "2");
    return res.html("<p>x</p>");
  });
  app.get("/map", (_req, res) => {
    res.headers.set("x-frame-options", "DENY");
    res.headers.append("vary", "Origin");
    return { ok: true };
  });
  app.get("/typed", (_req, res) => res.json({ a: 1 }).type("application/problem+json"));
  app.get("/returned", () => new Response("raw", { headers: { "x-frame-options": "DENY" } }));
  app.get("/boom", () => {
    throw new Error("boom");
  });
  return app;
}

describe("res.headerDefaults(prepared)", () => {
  const shared = app();
  const client = new TestClient(shared);

  test("the prepared headers go out with every kind of body, with its content type", async () => {
    const json = await client.get("/json");
    expect(json.status).toBe(201);
    expect(await json.json()).toEqual({ a: 1 });
    expect(json.headers.get("content-type")).toBe("application/json;charset=utf-8");
    expect(json.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(json.headers.get("x-content-type-options")).toBe("nosniff");
    const text = await client.get("/text");
    expect(await text.text()).toBe("hi");
    expect(text.headers.get("content-type")).toBe("text/plain;charset=utf-8");
    expect(text.headers.get("x-content-type-options")).toBe("nosniff");
    const typed = await client.get("/typed");
    expect(typed.headers.get("content-type")).toBe("application/problem+json");
    const error = await client.get("/boom");
    expect(error.status).toBe(500);
    expect(error.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  test("headers the response set keep their value; cookies all go out", async () => {
    const own = await client.get("/own");
    expect(own.headers.get("x-frame-options")).toBe("DENY");
    expect(own.headers.get("x-content-type-options")).toBe("nosniff");
    expect(own.headers.get("content-type")).toBe("text/html;charset=utf-8");
    expect(own.headers.getSetCookie().map((c) => c.split(";")[0])).toEqual(["a=1", "b=2"]);
    const map = await client.get("/map");
    expect(map.headers.get("x-frame-options")).toBe("DENY");
    expect(map.headers.get("vary")).toBe("Origin");
    expect(map.headers.get("x-content-type-options")).toBe("nosniff");
    const returned = await client.get("/returned");
    expect(await returned.text()).toBe("raw");
    expect(returned.headers.get("x-frame-options")).toBe("DENY");
    expect(returned.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("HEAD carries them too", async () => {
    const head = await shared.fetch(new Request("http://localhost/json", { method: "HEAD" }));
    expect(head.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  test("later headers replace them, res.headers and hasHeader see them, a second set goes under", async () => {
    const app = harpia();
    app.addHook("onSend", (_req, res) => {
      res.headerDefaults(PREPARED).headerDefaults(SECOND);
      const seen = [
        res.hasHeader("x-frame-options"),
        res.hasHeader("referrer-policy"),
        res.hasHeader("nope"),
      ];
      res.header("x-seen", seen.join(","));
      res.header("x-content-type-options", "later");
    });
    app.get("/", () => "ok");
    app.get("/read", (_req, res) => {
      res.header("x-route", "1");
      return "ok";
    });
    app.addHook("onSend", (req, res) => {
      if (req.path === "/read") res.header("x-read", res.headers.get("x-frame-options") ?? "none");
    });
    const client = new TestClient(app);
    const res = await client.get("/");
    expect(res.headers.get("x-seen")).toBe("true,true,false");
    expect(res.headers.get("x-content-type-options")).toBe("later");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const read = await client.get("/read");
    expect(read.headers.get("x-read")).toBe("SAMEORIGIN");
    expect(read.headers.get("x-route")).toBe("1");
    expect(read.headers.get("referrer-policy")).toBe("no-referrer");
    // The prepared objects themselves are never changed.
    expect([...PREPARED.keys()]).toEqual(["x-content-type-options", "x-frame-options"]);
    expect(PREPARED.get("x-frame-options")).toBe("SAMEORIGIN");
    expect([...SECOND.keys()]).toEqual(["referrer-policy", "x-frame-options"]);
  });
});
