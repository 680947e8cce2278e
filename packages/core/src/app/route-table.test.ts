import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { harpia } from "../app";
import { Router } from "../group";
import type { RouteInfo } from "../schema/types";
import { withRouteOptions } from "../types";
import { Upload } from "../upload/upload";

const root = mkdtempSync(join(tmpdir(), "harpia-route-table-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The route table entry of `method path`. */
function entry(table: readonly RouteInfo[], method: string, path: string): RouteInfo {
  const found = table.find((route) => route.method === method && route.path === path);
  if (found === undefined) throw new Error(`no ${method} ${path} in the route table`);
  return found;
}

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("routeTable(): accepts", () => {
  test("the route's accepts option, as a frozen list in a fixed order; absent when the route takes any body", () => {
    const app = harpia();
    app.post("/one", { accepts: "form" }, () => "ok");
    app.post("/many", { accepts: ["text", "json", "form"] }, () => "ok");
    app.post("/any", () => "ok");
    const table = app.routeTable();
    expect(entry(table, "POST", "/one").accepts).toEqual(["form"]);
    const many = entry(table, "POST", "/many").accepts;
    expect(many).toEqual(["json", "form", "text"]);
    expect(Object.isFrozen(many)).toBe(true);
    const any = entry(table, "POST", "/any");
    expect(any.accepts).toBeUndefined();
    expect("accepts" in any).toBe(false);
  });

  test("upload.single and upload.multiple on a route list multipart, and the route refuses JSON with 415", async () => {
    const upload = new Upload({ path: join(root, "files"), fieldName: "avatar" });
    const app = harpia();
    app.post("/avatar", upload.single, () => "saved");
    app.post("/gallery", upload.multiple, () => "saved");
    const table = app.routeTable();
    expect(entry(table, "POST", "/avatar").accepts).toEqual(["multipart"]);
    expect(entry(table, "POST", "/gallery").accepts).toEqual(["multipart"]);
    // What the table says is what the route enforces.
    expect((await app.request("/avatar", json({ a: 1 }))).status).toBe(415);
  });

  test("the route's own accepts wins over a middleware's, as it does for requests", async () => {
    const upload = new Upload({ path: join(root, "files") });
    const app = harpia();
    app.post("/mixed", { accepts: ["json", "multipart"] }, upload.single, () => "ok");
    expect(entry(app.routeTable(), "POST", "/mixed").accepts).toEqual(["json", "multipart"]);
    // JSON gets past the body policy (then the upload asks for its file: 400, not 415).
    expect((await app.request("/mixed", json({ a: 1 }))).status).toBe(400);
  });

  test("a router's middleware carrying route options applies to the routes beneath it", () => {
    const app = harpia();
    const forms = Router("/forms");
    forms.use(withRouteOptions((_req, _res, next) => next(), { accepts: ["form", "multipart"] }));
    forms.post("/contact", () => "ok");
    forms.post("/raw", { accepts: "text" }, () => "ok");
    app.routes(forms);
    app.post("/outside", () => "ok");
    const table = app.routeTable();
    expect(entry(table, "POST", "/forms/contact").accepts).toEqual(["form", "multipart"]);
    expect(entry(table, "POST", "/forms/raw").accepts).toEqual(["text"]);
    expect(entry(table, "POST", "/outside").accepts).toBeUndefined();
  });

  test("parseBody: false lists no accepts: the body is left unread and no type is refused", async () => {
    const app = harpia();
    app.post("/stream", { accepts: "text", parseBody: false }, () => "ok");
    expect(entry(app.routeTable(), "POST", "/stream").accepts).toBeUndefined();
    expect((await app.request("/stream", json({ a: 1 }))).status).toBe(200);
  });

  test("routes with optional parameters list their accepts once; WebSocket routes have none", () => {
    const app = harpia();
    app.put("/notes/:id?", { accepts: "json" }, () => "ok");
    app.ws("/live", {});
    const table = app.routeTable();
    expect(entry(table, "PUT", "/notes/:id?").accepts).toEqual(["json"]);
    expect(entry(table, "GET", "/live").accepts).toBeUndefined();
  });
});
