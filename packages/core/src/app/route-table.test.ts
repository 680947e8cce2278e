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

describe("routeTable(): files", () => {
  /** A multipart request to `path` with `files` as `[field, name, type, bytes]`. */
  function upload(path: string, files: Array<[string, string, string, Uint8Array<ArrayBuffer>]>) {
    const body = new FormData();
    for (const [field, name, type, bytes] of files) body.append(field, new File([bytes], name, { type }));
    return { path, init: { method: "POST", body, headers: { accept: "application/json" } } };
  }
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

  test("upload.single and upload.multiple list their field, its rules, and what the route enforces", async () => {
    const avatar = new Upload({
      path: join(root, "avatars"),
      fieldName: "avatar",
      options: {
        maxSize: "2kb",
        allowedTypes: ["image/png", "Image/JPEG"],
        allowedExtensions: ["png", ".JPG"],
      },
    });
    const photos = new Upload({
      path: join(root, "photos"),
      fieldName: "photos",
      options: { maxFiles: 3, required: false },
    });
    const app = harpia();
    app.post("/avatar", avatar.single, () => "saved");
    app.post("/gallery", photos.multiple, (req) => `${req.uploads.length} saved`);
    app.post("/notes", { accepts: "multipart" }, () => "ok");
    const table = app.routeTable();

    const single = entry(table, "POST", "/avatar").files!;
    expect(single).toEqual([
      {
        field: "avatar",
        multiple: false,
        required: true,
        maxFiles: 1,
        maxSize: 2048,
        types: ["image/png", "image/jpeg"],
        extensions: [".png", ".jpg"],
      },
    ]);
    expect(Object.isFrozen(single)).toBe(true);
    expect(Object.isFrozen(single[0])).toBe(true);
    expect(Object.isFrozen(single[0]!.types)).toBe(true);
    expect(Object.isFrozen(single[0]!.extensions)).toBe(true);
    expect(entry(table, "POST", "/gallery").files).toEqual([
      { field: "photos", multiple: true, required: false, maxFiles: 3 },
    ]);
    const plain = entry(table, "POST", "/notes");
    expect(plain.files).toBeUndefined();
    expect("files" in plain).toBe(false);

    // What the table says is what the routes enforce.
    const missing = upload("/avatar", [["photo", "a.png", "image/png", PNG]]);
    const refused = await app.request(missing.path, missing.init);
    expect(refused.status).toBe(400);
    expect((await refused.json()).code).toBe("FILE_REQUIRED");
    const text = upload("/avatar", [["avatar", "a.txt", "text/plain", PNG]]);
    expect((await app.request(text.path, text.init)).status).toBe(415);
    const good = upload("/avatar", [["avatar", "a.png", "image/png", PNG]]);
    expect((await app.request(good.path, good.init)).status).toBe(200);
    const none = upload("/gallery", [["other", "a.png", "image/png", PNG]]);
    expect(await (await app.request(none.path, none.init)).text()).toBe("0 saved");
    const four = upload(
      "/gallery",
      [1, 2, 3, 4].map(
        (n) => ["photos", `${n}.png`, "image/png", PNG] as [string, string, string, typeof PNG],
      ),
    );
    expect((await app.request(four.path, four.init)).status).toBe(400);
  });

  test("a router's upload middleware is listed on the routes beneath it, before the route's own", () => {
    const cover = new Upload({ path: join(root, "covers"), fieldName: "cover" });
    const pages = new Upload({ path: join(root, "pages"), fieldName: "pages" });
    const app = harpia();
    const books = Router("/books");
    books.use(cover.single);
    books.post("/", () => "ok");
    books.post("/:id/pages", pages.multiple, () => "ok");
    app.routes(books);
    app.post("/outside", () => "ok");
    const table = app.routeTable();
    expect(entry(table, "POST", "/books").files?.map((f) => f.field)).toEqual(["cover"]);
    expect(entry(table, "POST", "/books/:id/pages").files?.map((f) => [f.field, f.multiple])).toEqual([
      ["cover", false],
      ["pages", true],
    ]);
    expect(entry(table, "POST", "/outside").files).toBeUndefined();
  });

  test("a path-scoped use is listed where it always applies, not where it is decided per request", () => {
    const avatar = new Upload({ path: join(root, "scoped"), fieldName: "avatar" });
    const app = harpia();
    app.use("/users", avatar.single);
    app.use("/teams/admins", avatar.single);
    app.post("/users/:id", () => "ok");
    app.post("/teams/:id", () => "ok");
    const table = app.routeTable();
    expect(entry(table, "POST", "/users/:id").files?.map((f) => f.field)).toEqual(["avatar"]);
    expect(entry(table, "POST", "/teams/:id").files).toBeUndefined();
  });

  test("one entry per field; none when the route parses no body; optional parameters list it once", () => {
    const first = new Upload({ path: join(root, "twice"), fieldName: "doc", options: { maxSize: 100 } });
    const second = new Upload({ path: join(root, "twice"), fieldName: "doc", options: { maxSize: 999 } });
    const app = harpia();
    app.post("/twice", first.single, second.single, () => "ok");
    app.post("/raw", { parseBody: false }, first.single, () => "ok");
    app.put("/docs/:id?", first.multiple, () => "ok");
    const table = app.routeTable();
    expect(entry(table, "POST", "/twice").files).toEqual([
      { field: "doc", multiple: false, required: true, maxFiles: 1, maxSize: 100 },
    ]);
    expect(entry(table, "POST", "/raw").files).toBeUndefined();
    expect(entry(table, "PUT", "/docs/:id?").files?.map((f) => [f.field, f.multiple])).toEqual([
      ["doc", true],
    ]);
  });
});
