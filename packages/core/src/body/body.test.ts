import { afterAll, describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import harpia from "../index";

const app = harpia();
app.post("/echo", (req) => ({
  body: req.body ?? null,
  files: req.files.map((f) => [f.fieldname, f.originalname, f.size]),
}));
app.post("/small", { bodyLimit: 10 }, (req) => ({ body: req.body }));
app.post("/json-only", { accepts: "json" }, (req) => ({ body: req.body }));
app.post("/raw", { parseBody: false }, async (req) => ({ text: await req.raw.text() }));
app.post("/twice", async (req) => ({ parsed: req.body, text: await req.text(), json: await req.json() }));
app.get("/get", (req) => ({ body: req.body ?? null }));
const client = new TestClient(app);

async function echo(request: ReturnType<typeof client.post>) {
  const res = await request.execute();
  return { status: res.status, body: await res.json() };
}

describe("JSON", () => {
  test("application/json and +json types", async () => {
    expect((await echo(client.post("/echo").json({ a: [1, { b: null }] }))).body.body).toEqual({
      a: [1, { b: null }],
    });
    const vendor = client.post("/echo").set("content-type", "application/vnd.api+json").send('{"x":1}');
    expect((await echo(vendor)).body.body).toEqual({ x: 1 });
  });

  test("malformed JSON is a 400 with a clear message", async () => {
    const { status, body } = await echo(
      client.post("/echo").set("content-type", "application/json").send("{nope"),
    );
    expect(status).toBe(400);
    expect(body.code).toBe("INVALID_JSON");
    expect(body.message).toStartWith("Malformed JSON body");
  });

  test("an empty JSON body is no body", async () => {
    const { status, body } = await echo(
      client.post("/echo").set("content-type", "application/json").send(""),
    );
    expect(status).toBe(200);
    expect(body.body).toBeNull();
  });

  test("invalid UTF-8 is a 400", async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const { status, body } = await echo(
      client.post("/echo").set("content-type", "application/json").send(bytes),
    );
    expect(status).toBe(400);
    expect(body.code).toBe("INVALID_BODY");
  });

  describe("UTF-8, over a real socket (the declared-length read)", () => {
    const socketApp = harpia({ logErrors: false });
    socketApp.post("/echo", (req) => ({ body: req.body ?? null }));
    socketApp.post("/text", async (req) => ({ body: req.body, text: await req.text() }));
    const server = socketApp.listen({ port: 0, hostname: "127.0.0.1" });
    afterAll(() => server.stop(true));
    const send = (bytes: number[], type = "application/json", path = "/echo") =>
      fetch(new URL(path, server.url), {
        method: "POST",
        headers: { "content-type": type },
        body: new Uint8Array(bytes),
      });
    const quoted = (inner: number[]) => [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, ...inner, 0x22, 0x7d]; // {"a":"…"}

    test("every kind of invalid sequence is a 400 INVALID_BODY", async () => {
      const invalid = [
        [0xff, 0xfe], // bytes that never occur
        [0x80], // a lone continuation byte
        [0xe2, 0x82], // a 3-byte character cut short
        [0xc0, 0xaf], // an overlong encoding
        [0xed, 0xa0, 0x80], // a UTF-16 surrogate
        [0xf5, 0x80, 0x80, 0x80], // past U+10FFFF
      ];
      for (const inner of invalid) {
        const res = await send(quoted(inner));
        expect(res.status).toBe(400);
        expect((await res.json()).code).toBe("INVALID_BODY");
      }
      const form = await send([0x61, 0x3d, 0xff], "application/x-www-form-urlencoded");
      expect(form.status).toBe(400);
      const text = await send([0x68, 0x69, 0xc3], "text/plain", "/text");
      expect(text.status).toBe(400);
    });

    test("valid text passes as sent, U+FFFD itself included", async () => {
      const res = await send(quoted([0xc3, 0xa9, 0xf0, 0x9f, 0xa6, 0x9c, 0xef, 0xbf, 0xbd]));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ body: { a: "é🦜\uFFFD" } });
      const text = await send([0x6f, 0x6b, 0x20, 0xe2, 0x9c, 0x93], "text/plain", "/text");
      expect(await text.json()).toEqual({ body: "ok ✓", text: "ok ✓" });
    });

    test("a 4-byte character cut after its third byte reads as U+FFFD, as TextDecoder has it", async () => {
      // The one invalid sequence as long as the U+FFFD that replaces it: told apart from a
      // U+FFFD the client sent only by reading the bytes twice (see parseDecoded).
      const res = await send(quoted([0xf0, 0x9f, 0xa6]));
      expect(await res.json()).toEqual({ body: { a: "\uFFFD" } });
    });
  });

  test("the body is read once; req.text() and req.json() still work afterwards", async () => {
    const res = await client.post("/twice").json({ n: 1 }).execute();
    expect(await res.json()).toEqual({ parsed: { n: 1 }, text: '{"n":1}', json: { n: 1 } });
  });
});

describe("urlencoded", () => {
  const form = (text: string) =>
    client.post("/echo").set("content-type", "application/x-www-form-urlencoded").send(text);

  test("nested objects, arrays and repeated keys", async () => {
    const { body } = await echo(
      form("user[name]=Ada+L&user[langs][]=en&user[langs][]=fr&tag=a&tag=b&list[0]=x&list[1]=y&e=%C3%A9"),
    );
    expect(body.body).toEqual({
      user: { name: "Ada L", langs: ["en", "fr"] },
      tag: ["a", "b"],
      list: ["x", "y"],
      e: "é",
    });
  });

  test("__proto__, constructor and prototype keys are dropped", async () => {
    const { body } = await echo(
      form("__proto__[admin]=1&a[constructor][prototype][x]=1&a[__proto__][y]=2&ok=1"),
    );
    expect(body.body).toEqual({ ok: "1" });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  test("too many fields is a 413, a malformed escape a 400", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join("&");
    expect((await echo(form(many))).status).toBe(413);
    const bad = await echo(form("a=%E0%A4%A"));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("INVALID_BODY");
  });
});

describe("multipart", () => {
  test("fields in req.body, files in req.files as File objects", async () => {
    const res = await client
      .post("/echo")
      .formData({
        name: "Ada",
        tags: ["x", "y"],
        avatar: new File(["png-bytes"], "me.png", { type: "image/png" }),
      })
      .execute();
    expect(await res.json()).toEqual({
      body: { name: "Ada", tags: ["x", "y"] },
      files: [["avatar", "me.png", 9]],
    });
  });

  test("files keep their type and contents", async () => {
    const inspect = harpia();
    inspect.post("/f", async (req) => {
      const file = req.file("doc")!;
      return {
        type: file.type,
        mimetype: file.mimetype,
        text: await file.text(),
        isFile: file instanceof File,
      };
    });
    const res = await new TestClient(inspect)
      .post("/f")
      .formData({ doc: new File(["hello"], "a.txt", { type: "text/plain" }) })
      .execute();
    const body = await res.json();
    expect(body).toEqual({ type: body.type, mimetype: "text/plain", text: "hello", isFile: true });
    expect(body.type).toStartWith("text/plain");
  });

  test("a malformed multipart body is a 400", async () => {
    const res = await client
      .post("/echo")
      .set("content-type", "multipart/form-data; boundary=zzz")
      .send("not multipart")
      .execute();
    expect(res.status).toBe(400);
  });
});

describe("text and other types", () => {
  test("text/* becomes a string", async () => {
    expect((await echo(client.post("/echo").send("plain words"))).body.body).toBe("plain words");
  });

  test("unknown types are left unread for the handler", async () => {
    const app2 = harpia();
    app2.post("/bin", async (req) => ({
      body: req.body ?? null,
      bytes: (await req.arrayBuffer()).byteLength,
    }));
    const res = await new TestClient(app2)
      .post("/bin")
      .set("content-type", "application/octet-stream")
      .send(new Uint8Array(7))
      .execute();
    expect(await res.json()).toEqual({ body: null, bytes: 7 });
  });

  test("parseBody: false leaves the stream to the handler", async () => {
    const res = await client.post("/raw").json({ a: 1 }).execute();
    expect(await res.json()).toEqual({ text: '{"a":1}' });
  });

  test("GET bodies are never parsed", async () => {
    const req = new Request("http://localhost/get", { method: "GET" });
    expect(await (await app.fetch(req)).json()).toEqual({ body: null });
  });
});

describe("limits and types", () => {
  test("a per-route limit: 413 from Content-Length before reading", async () => {
    const { status, body } = await echo(client.post("/small").json({ long: "x".repeat(50) }));
    expect(status).toBe(413);
    expect(body).toMatchObject({
      status: 413,
      code: "PAYLOAD_TOO_LARGE",
      message: "Request body is larger than the limit of 10 bytes",
      details: { limit: 10 },
    });
  });

  test("a body without Content-Length is counted while streaming and stopped at the limit", async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new TextEncoder().encode('"aaaaaaaa"'));
      },
    });
    const request = new Request("http://localhost/small", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
    });
    expect(request.headers.get("content-length")).toBeNull();
    const res = await app.fetch(request);
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });

  test("the default limit is 1 MiB and the app option changes it", async () => {
    const big = { s: "x".repeat(1024 * 1024) };
    expect((await client.post("/echo").json(big).execute()).status).toBe(413);
    const roomy = harpia({ bodyLimit: 2 * 1024 * 1024 });
    roomy.post("/", (req) => ({ length: (req.body as { s: string }).s.length }));
    expect(await (await new TestClient(roomy).post("/").json(big).execute()).json()).toEqual({
      length: 1024 * 1024,
    });
  });

  test("a route that demands a type answers 415 for others", async () => {
    const res = await client.post("/json-only").send("text").execute();
    expect(res.status).toBe(415);
    expect((await res.json()).message).toBe('Content-Type "text/plain" is not accepted here; expected json');
    expect((await client.post("/json-only").json({ ok: 1 }).execute()).status).toBe(200);
  });

  describe("over a real socket: the global limit from listen()", () => {
    const limited = harpia();
    limited.post("/", (req) => ({ size: JSON.stringify(req.body).length }));
    limited.post("/bigger", { bodyLimit: 4096 }, (req) => ({ size: JSON.stringify(req.body).length }));
    const server = limited.listen({ port: 0, hostname: "127.0.0.1", maxRequestBodySize: 1024 });
    afterAll(() => server.stop(true));
    const post = (path: string, size: number) =>
      fetch(new URL(path, server.url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ s: "y".repeat(size) }),
      });

    test("bodies under the limit pass, over it get 413", async () => {
      expect((await post("/", 100)).status).toBe(200);
      expect((await post("/", 2000)).status).toBe(413);
    });

    test("a route may not exceed the server's hard cap", async () => {
      expect((await post("/bigger", 2000)).status).toBe(413);
    });
  });
});
