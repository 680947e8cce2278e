import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { harpia } from "../app";
import type { SavedFile } from "./types";
import { Upload } from "./upload";

const root = mkdtempSync(join(tmpdir(), "harpia-upload-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirCount = 0;
function freshDir(): string {
  return join(root, `d${++dirCount}`);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Bytes that start like a real JPEG / PNG, padded to `size`. */
function jpeg(size = 64): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
  return bytes;
}
function png(size = 64): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
}
const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");

function form(
  files: [field: string, name: string, type: string, bytes: Uint8Array<ArrayBuffer>][],
): FormData {
  const data = new FormData();
  for (const [field, name, type, bytes] of files) data.append(field, new File([bytes], name, { type }));
  return data;
}

function post(app: ReturnType<typeof harpia>, path: string, body: FormData): Promise<Response> {
  return app.request(path, { method: "POST", body, headers: { accept: "application/json" } });
}

/** The seed's configuration, saving into `dir`. */
function seedUpload(dir: string): Upload {
  return new Upload({
    fieldName: "file",
    prefix: "profile",
    fileName: Date.now().toString(),
    path: dir,
    options: {
      allowedExtensions: [".jpg"],
      allowedTypes: ["image/jpeg"],
      maxSize: 1024 * 1024 * 2,
    },
  });
}

describe("upload.single (the seed's example)", () => {
  let dir: string;
  let app: ReturnType<typeof harpia>;

  beforeEach(() => {
    dir = freshDir();
    const upload = seedUpload(dir);
    app = harpia({ logErrors: false });
    app.post("/user", upload.single, async (req, res) => {
      res.json(req.uploads);
    });
  });

  test("saves the file and describes it on req.uploads", async () => {
    const bytes = jpeg(128);
    const response = await post(app, "/user", form([["file", "me.jpg", "image/jpeg", bytes]]));
    expect(response.status).toBe(200);
    const [saved] = (await response.json()) as SavedFile[];
    expect(saved).toMatchObject({ field: "file", originalName: "me.jpg", size: 128, type: "image/jpeg" });
    expect(saved!.name).toMatch(/^profile-\d+\.jpg$/);
    expect(dirname(saved!.path)).toBe(dir);
    expect(new Uint8Array(readFileSync(saved!.path))).toEqual(bytes);
  });

  test("a fixed fileName string never overwrites: every saved name is unique", async () => {
    const first = jpeg(100);
    const second = jpeg(200);
    const a = (
      (await (await post(app, "/user", form([["file", "a.jpg", "image/jpeg", first]]))).json()) as SavedFile[]
    )[0]!;
    const b = (
      (await (
        await post(app, "/user", form([["file", "b.jpg", "image/jpeg", second]]))
      ).json()) as SavedFile[]
    )[0]!;
    expect(a.name).not.toBe(b.name);
    expect(b.name.startsWith(a.name.replace(/\.jpg$/, ""))).toBe(true);
    expect(readFileSync(a.path).length).toBe(100);
    expect(readFileSync(b.path).length).toBe(200);
    expect(listDir(dir).length).toBe(2);
  });

  test("a file over maxSize is 413 naming the file and the rule; nothing is written", async () => {
    const response = await post(
      app,
      "/user",
      form([["file", "huge.jpg", "image/jpeg", jpeg(2 * 1024 * 1024 + 1)]]),
    );
    expect(response.status).toBe(413);
    const body = await response.json();
    expect(body.code).toBe("FILE_TOO_LARGE");
    expect(body.message).toContain('"huge.jpg"');
    expect(body.message).toContain("maxSize");
    expect(body.details).toMatchObject({
      field: "file",
      file: "huge.jpg",
      rule: "maxSize",
      limit: 2 * 1024 * 1024,
    });
    expect(listDir(dir)).toEqual([]);
  });

  test("a wrong extension is 415 (allowedExtensions)", async () => {
    const response = await post(app, "/user", form([["file", "me.png", "image/jpeg", jpeg()]]));
    expect(response.status).toBe(415);
    const body = await response.json();
    expect(body.code).toBe("FILE_EXTENSION_NOT_ALLOWED");
    expect(body.details).toMatchObject({ file: "me.png", rule: "allowedExtensions", extension: ".png" });
    expect(body.message).toContain("me.png");
  });

  test("a type outside allowedTypes is 415", async () => {
    // Bun (1.4.5) types a multipart file by its name's extension, so the type is tested alone here.
    const typesOnly = new Upload({ path: dir, options: { allowedTypes: ["image/jpeg"] } });
    const local = harpia();
    local.post("/up", typesOnly.single, (req, res) => res.json(req.uploads));
    const response = await post(local, "/up", form([["file", "notes.txt", "text/plain", jpeg()]]));
    expect(response.status).toBe(415);
    const body = await response.json();
    expect(body.code).toBe("FILE_TYPE_NOT_ALLOWED");
    expect(body.details).toMatchObject({ file: "notes.txt", rule: "allowedTypes", type: "text/plain" });
    expect(body.message).toContain("allowedTypes");
  });

  test("HTML dressed up as a JPEG is refused by its signature bytes (415)", async () => {
    const response = await post(app, "/user", form([["file", "cat.jpg", "image/jpeg", html]]));
    expect(response.status).toBe(415);
    const body = await response.json();
    expect(body.code).toBe("FILE_CONTENT_MISMATCH");
    expect(body.details).toMatchObject({
      file: "cat.jpg",
      rule: "content",
      claimed: "image/jpeg",
      detected: null,
    });
    expect(listDir(dir)).toEqual([]);
  });

  test("no file is 400; two files in the field are 400", async () => {
    const none = await post(app, "/user", form([]));
    expect(none.status).toBe(400);
    expect((await none.json()).details).toMatchObject({ field: "file", rule: "required" });

    const two = await post(
      app,
      "/user",
      form([
        ["file", "a.jpg", "image/jpeg", jpeg()],
        ["file", "b.jpg", "image/jpeg", jpeg()],
      ]),
    );
    expect(two.status).toBe(400);
    expect((await two.json()).details).toMatchObject({ rule: "maxFiles", limit: 1, received: 2 });
    expect(listDir(dir)).toEqual([]);
  });

  test("a body that is not multipart is 415 before the middleware runs", async () => {
    const response = await app.request("/user", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ file: "x" }),
    });
    expect(response.status).toBe(415);
  });

  test("an oversized Content-Length is refused with 413 before a byte is read", async () => {
    let pulled = false;
    const body = new ReadableStream(
      {
        pull(controller) {
          pulled = true;
          controller.close();
        },
      },
      { highWaterMark: 0 }, // pulled only when someone reads
    );
    const response = await app.fetch(
      new Request("http://localhost/user", {
        method: "POST",
        headers: {
          "content-type": "multipart/form-data; boundary=x",
          "content-length": String(50 * 1024 * 1024),
          accept: "application/json",
        },
        body,
        duplex: "half",
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(pulled).toBe(false);
  });
});

describe("names are sanitised and stay inside the directory", () => {
  test("a client name like ../../x, used as the name, cannot escape or hide", async () => {
    const dir = freshDir();
    const upload = new Upload({ path: dir, fileName: (file) => file.originalname });
    const app = harpia();
    app.post("/up", upload.single, (req, res) => res.json(req.uploads));
    const names = [
      "../../escape.png",
      "..\\..\\win.png",
      ".hidden.png",
      "a\u0000b\nc\u202e.png",
      "/etc/passwd",
    ];
    const saved: SavedFile[] = [];
    for (const name of names) {
      const response = await post(app, "/up", form([["file", name, "image/png", png()]]));
      expect(response.status).toBe(200);
      saved.push(...((await response.json()) as SavedFile[]));
    }
    for (const file of saved) {
      expect(dirname(file.path)).toBe(dir);
      expect(file.name.startsWith(".")).toBe(false);
      const unsafe = Array.from(file.name).filter((c) => {
        const code = c.codePointAt(0)!;
        return code < 0x20 || (code >= 0x7f && code <= 0x9f) || c === "\u202e" || c === "/" || c === "\\";
      });
      expect(unsafe).toEqual([]);
    }
    // The control-character name is re-encoded by multipart on the way; only its safety is checked.
    expect(saved.map((f) => f.name)).toEqual([
      "escape.png",
      "win.png",
      "hidden.png",
      saved[3]!.name,
      "etc_passwd",
    ]);
    expect(listDir(dir).length).toBe(names.length);
  });

  test("a fileName function gets the file and the request; its result is sanitised", async () => {
    const dir = freshDir();
    const upload = new Upload({
      path: dir,
      prefix: "user",
      fileName: (file, req) => `${req.params.id}/${file.originalname}`,
      options: { allowedTypes: ["image/*"] },
    });
    const app = harpia();
    app.post("/users/:id/avatar", upload.single, (req, res) => res.json(req.uploads[0]));
    const response = await post(
      app,
      "/users/42/avatar",
      form([["file", "My Photo.PNG", "image/png", png()]]),
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as SavedFile).name).toBe("user-42_My_Photo.png");
  });

  test("without fileName the saved name is random, never the client's", async () => {
    const dir = freshDir();
    const upload = new Upload({ path: dir });
    const app = harpia();
    app.post("/up", upload.single, (req, res) => res.json(req.uploads[0]));
    const saved = (await (
      await post(app, "/up", form([["file", "secret-plan.png", "image/png", png()]]))
    ).json()) as SavedFile;
    expect(saved.name).toMatch(/^[0-9a-f-]{36}\.png$/);
    expect(saved.originalName).toBe("secret-plan.png");
  });
});

describe("upload.multiple", () => {
  function setup(options: ConstructorParameters<typeof Upload>[0] = {}) {
    const dir = freshDir();
    const upload = new Upload({
      fieldName: "photos",
      path: dir,
      options: { allowedTypes: ["image/png", "image/jpeg"], maxSize: 10_000, maxFiles: 3 },
      ...options,
    });
    const app = harpia({ logErrors: false });
    app.post("/gallery", upload.multiple, (req, res) => res.json(req.uploads));
    return { dir, app, upload };
  }

  test("saves every file of the field", async () => {
    const { dir, app } = setup();
    const response = await post(
      app,
      "/gallery",
      form([
        ["photos", "a.png", "image/png", png()],
        ["photos", "b.jpg", "image/jpeg", jpeg()],
        ["other", "ignored.png", "image/png", png()],
      ]),
    );
    expect(response.status).toBe(200);
    const saved = (await response.json()) as SavedFile[];
    expect(saved.map((f) => [f.originalName, f.type])).toEqual([
      ["a.png", "image/png"],
      ["b.jpg", "image/jpeg"],
    ]);
    expect(listDir(dir).length).toBe(2);
  });

  test("one bad file refuses the whole request and leaves nothing on disk", async () => {
    const { dir, app } = setup();
    const response = await post(
      app,
      "/gallery",
      form([
        ["photos", "a.png", "image/png", png()],
        ["photos", "evil.png", "image/png", html],
      ]),
    );
    expect(response.status).toBe(415);
    expect((await response.json()).details.file).toBe("evil.png");
    expect(listDir(dir)).toEqual([]);
  });

  test("more than maxFiles is 400", async () => {
    const { app } = setup();
    const files = Array.from({ length: 4 }, (_, i) => ["photos", `${i}.png`, "image/png", png()] as const);
    const response = await post(app, "/gallery", form(files.map((f) => [...f])));
    expect(response.status).toBe(400);
    expect((await response.json()).details).toMatchObject({ rule: "maxFiles", limit: 3, received: 4 });
  });

  test("when writing fails midway, the files already written are removed", async () => {
    let calls = 0;
    const { dir, app } = setup({
      fileName: () => {
        if (++calls === 2) throw new Error("naming service down");
        return "photo";
      },
    });
    const response = await post(
      app,
      "/gallery",
      form([
        ["photos", "a.png", "image/png", png()],
        ["photos", "b.png", "image/png", png()],
      ]),
    );
    expect(response.status).toBe(500);
    expect(calls).toBe(2);
    expect(listDir(dir)).toEqual([]);
  });

  test("the route's body limit follows maxSize × maxFiles", async () => {
    const { app } = setup();
    const response = await post(
      app,
      "/gallery",
      form([
        ["photos", "a.png", "image/png", png(9_000)],
        ["photos", "b.png", "image/png", png(9_000)],
        ["photos", "c.png", "image/png", png(9_000)],
      ]),
    );
    expect(response.status).toBe(200);
    const tooBig = await post(app, "/gallery", form([["photos", "big.png", "image/png", png(120_000)]]));
    expect(tooBig.status).toBe(413);
  });
});

describe("rules and options", () => {
  test("verified types: a PNG declared as JPEG is refused; text types are trusted as declared", async () => {
    const dir = freshDir();
    const upload = new Upload({ path: dir, options: { allowedTypes: ["image/*", "text/plain"] } });
    const app = harpia();
    app.post("/up", upload.single, (req, res) => res.json(req.uploads[0]));
    const lying = await post(app, "/up", form([["file", "x.jpg", "image/jpeg", png()]]));
    expect(lying.status).toBe(415);
    expect((await lying.json()).details).toMatchObject({ claimed: "image/jpeg", detected: "image/png" });
    const text = await post(
      app,
      "/up",
      form([["file", "notes.txt", "text/plain", new TextEncoder().encode("hi")]]),
    );
    expect(text.status).toBe(200);
    expect(((await text.json()) as SavedFile).type).toBe("text/plain");
  });

  test("content proving a type that is not allowed is refused", async () => {
    const upload = new Upload({ path: freshDir(), options: { allowedTypes: ["text/plain"] } });
    const app = harpia();
    app.post("/up", upload.single, (req, res) => res.json(req.uploads[0]));
    const response = await post(app, "/up", form([["file", "doc.txt", "text/plain", png()]]));
    expect(response.status).toBe(415);
    expect((await response.json()).details).toMatchObject({ rule: "content", detected: "image/png" });
  });

  test("verifyContent: false trusts the declared type", async () => {
    const upload = new Upload({ path: freshDir(), options: { verifyContent: false } });
    const app = harpia();
    app.post("/up", upload.single, (req, res) => res.json(req.uploads[0]));
    expect((await post(app, "/up", form([["file", "x.jpg", "image/jpeg", html]]))).status).toBe(200);
  });

  test("required: false lets a request without a file through", async () => {
    const upload = new Upload({ path: freshDir(), options: { required: false } });
    const app = harpia();
    app.post("/profile", upload.single, (req, res) =>
      res.json({ uploads: req.uploads, name: req.body.name }),
    );
    const data = new FormData();
    data.append("name", "Ana");
    const response = await post(app, "/profile", data);
    expect(await response.json()).toEqual({ uploads: [], name: "Ana" });
  });

  test("two uploads on one route both describe their files; remove() deletes them", async () => {
    const dir = freshDir();
    const avatar = new Upload({ fieldName: "avatar", path: dir, prefix: "avatar" });
    const cover = new Upload({ fieldName: "cover", path: dir, prefix: "cover" });
    const app = harpia();
    let saved: readonly SavedFile[] = [];
    app.post("/both", avatar.single, cover.single, (req, res) => {
      saved = req.uploads;
      res.json(req.uploads.map((f) => f.field));
    });
    const response = await post(
      app,
      "/both",
      form([
        ["avatar", "a.png", "image/png", png()],
        ["cover", "c.png", "image/png", png()],
      ]),
    );
    expect(await response.json()).toEqual(["avatar", "cover"]);
    expect(listDir(dir).length).toBe(2);
    await avatar.remove(saved);
    expect(listDir(dir)).toEqual([]);
  });

  test("routes without an upload have an empty req.uploads", async () => {
    const app = harpia();
    app.get("/", (req, res) => res.json({ count: req.uploads.length }));
    expect(await (await app.request("/")).json()).toEqual({ count: 0 });
  });

  test("bad options fail at construction with clear errors", () => {
    expect(() => new Upload({ fieldName: "" })).toThrow(/fieldName/);
    expect(() => new Upload({ options: { maxSize: 0 } })).toThrow(/maxSize/);
    expect(() => new Upload({ options: { maxFiles: 1.5 } })).toThrow(/maxFiles/);
    expect(() => new Upload({ options: { allowedExtensions: [""] } })).toThrow(/allowedExtensions/);
    expect(() => new Upload({ fileName: 42 as unknown as string })).toThrow(/fileName/);
    expect(() => new Upload({ path: "" })).toThrow(/path/);
  });
});
