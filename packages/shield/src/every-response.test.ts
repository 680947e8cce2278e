// The headers must be on every response the app sends, whatever the middleware order.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import harpia, { HttpError, Router } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { shield } from "./index";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "shield-"));
  writeFileSync(path.join(dir, "app.js"), "console.log('hi')");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectShielded(res: Response): void {
  expect(res.headers.get("content-security-policy")).toStartWith("default-src 'self';");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
}

function app() {
  const app = harpia({ logErrors: false });
  // A CORS-style preflight answered by a middleware that never calls next().
  app.use((req, res, next) => {
    if (req.method === "OPTIONS" && req.headers.has("access-control-request-method")) {
      res.status(204).header("access-control-allow-origin", "*").send(null);
      return;
    }
    return next();
  });
  app.get("/ok", () => "ok");
  app.get("/boom", () => {
    throw new Error("kaboom");
  });
  app.get("/teapot", () => {
    throw new HttpError(418, "short and stout");
  });
  app.get("/raw", () => new Response("raw", { headers: { "x-frame-options": "DENY" } }));
  app.get("/static/app.js", async (_req, res) => {
    await res.file(path.join(dir, "app.js"));
  });
  // Registered last, after routes and the preflight middleware: order must not matter.
  app.use(shield());
  return app;
}

describe("shield on every response", () => {
  const client = () => new TestClient(app());

  test("a route", async () => expectShielded(await client().get("/ok")));
  test("a 404", async () => {
    const res = await client().get("/nope");
    expect(res.status).toBe(404);
    expectShielded(res);
  });
  test("a thrown error (500) and an HttpError", async () => {
    const boom = await client().get("/boom");
    expect(boom.status).toBe(500);
    expectShielded(boom);
    const teapot = await client().get("/teapot").set("accept", "text/html");
    expect(teapot.status).toBe(418);
    expectShielded(teapot);
  });
  test("the automatic OPTIONS answer and a 405", async () => {
    const options = await client().options("/ok");
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toContain("GET");
    expectShielded(options);
    const post = await client().post("/ok");
    expect(post.status).toBe(405);
    expectShielded(post);
  });
  test("a CORS preflight answered by a middleware", async () => {
    const res = await client().options("/ok").set("access-control-request-method", "PUT");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expectShielded(res);
  });
  test("a static file", async () => {
    const res = await client().get("/static/app.js");
    expect(await res.text()).toBe("console.log('hi')");
    expectShielded(res);
  });
  test("a HEAD request", async () => {
    const res = await client().head("/ok");
    expect(res.status).toBe(200);
    expectShielded(res);
  });
  test("a whole Response returned by a handler keeps its own headers and gets the rest", async () => {
    const res = await client().get("/raw");
    expect(await res.text()).toBe("raw");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
  test("a custom not-found handler", async () => {
    const custom = app();
    custom.setNotFound((_req, res) => res.json({ status: 404, message: "Not Found" }));
    const res = await new TestClient(custom).get("/missing");
    expect(await res.json()).toEqual({ status: 404, message: "Not Found" });
    expectShielded(res);
  });
});

describe("shield as route-level middleware", () => {
  test("applies to its routes only, nonce ready before the handler", async () => {
    const app = harpia();
    const secure = shield({ useNonce: true });
    app.get("/page", secure, (_req, res) => res.html(`<style nonce="${res.locals.nonce}"></style>`));
    const admin = Router("admin");
    admin.use(shield({ xFrameOptions: { action: "DENY" } }));
    admin.get("/", () => "admin");
    app.routes(admin);
    app.get("/plain", () => "plain");

    const page = await new TestClient(app).get("/page");
    const nonce = (await page.text()).match(/nonce="([^"]+)"/)![1];
    expect(page.headers.get("content-security-policy")).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect((await new TestClient(app).get("/admin")).headers.get("x-frame-options")).toBe("DENY");
    expect((await new TestClient(app).get("/plain")).headers.has("content-security-policy")).toBe(false);
  });

  test("a route's own shield wins over the app-wide one", async () => {
    const app = harpia();
    app.use(shield());
    app.get(
      "/embed",
      shield({ contentSecurityPolicy: { directives: { "frame-ancestors": ["https://partner.example"] } } }),
      () => "embeddable",
    );
    const res = await new TestClient(app).get("/embed");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors https://partner.example;");
  });

  test("a header a route sets itself is left alone", async () => {
    const app = harpia();
    app.use(shield());
    app.get("/", (_req, res) => res.header("referrer-policy", "same-origin").send("ok"));
    expect((await new TestClient(app).get("/")).headers.get("referrer-policy")).toBe("same-origin");
  });
});

describe("with core's app.static and app.cors", () => {
  function served() {
    const app = harpia();
    app.use(shield({ useNonce: true }));
    app.cors({ origin: "https://app.example", methods: ["GET", "PUT"] });
    app.static(dir, { prefix: "/assets" });
    app.get("/api", () => ({ ok: true }));
    return app;
  }

  test("a file served by app.static", async () => {
    const res = await new TestClient(served()).get("/assets/app.js");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("console.log('hi')");
    expect(res.headers.get("content-security-policy")).toContain("'nonce-");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("a CORS preflight answered by app.cors", async () => {
    const res = await new TestClient(served())
      .options("/api")
      .set("origin", "https://app.example")
      .set("access-control-request-method", "PUT")
      .execute();
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(res.headers.get("content-security-policy")).toStartWith("default-src 'self';");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });
});
