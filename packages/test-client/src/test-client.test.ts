import { describe, expect, test } from "bun:test";
import path from "node:path";
import { type AddressSource, TestClient } from "./index";

/** Echoes what arrived, so the builder's output can be inspected. */
const echo = {
  async fetch(request: Request, server?: AddressSource) {
    const type = request.headers.get("content-type") ?? "";
    let body: unknown = null;
    if (type.startsWith("multipart/form-data")) {
      const form = await request.formData();
      body = [...form].map(([k, v]) => (typeof v === "string" ? [k, v] : [k, v.name, v.size, v.type]));
    } else if (request.body) {
      body = await request.text();
    }
    return Response.json(
      {
        method: request.method,
        url: request.url,
        type,
        cookie: request.headers.get("cookie"),
        auth: request.headers.get("authorization"),
        ip: server?.requestIP(request)?.address,
        body,
      },
      { headers: request.url.endsWith("/login") ? { "set-cookie": "sid=abc; Path=/; HttpOnly" } : {} },
    );
  },
};
const fixture = (name: string) => path.join(import.meta.dir, "fixtures", name);

describe("TestClient", () => {
  const client = new TestClient(echo);

  test.each(["get", "post", "put", "delete", "patch", "options", "head"] as const)(
    "%s sends its verb",
    async (verb) => {
      const res = await client[verb]("/x").execute();
      if (verb === "head") expect(res.status).toBe(200);
      else expect((await res.json()).method).toBe(verb.toUpperCase());
    },
  );

  test("query parameters and headers", async () => {
    const res = await client
      .get("/hello")
      .query("number", "123456")
      .query("tag", "a")
      .query("tag", "b")
      .set("Authorization", "Bearer token123")
      .execute();
    const body = await res.json();
    expect(body.url).toBe("http://localhost/hello?number=123456&tag=a&tag=b");
    expect(body.auth).toBe("Bearer token123");
  });

  test("json() sends JSON with its content type", async () => {
    const body = await (await client.post("/user").json({ name: "John", age: 30 }).execute()).json();
    expect(body.type).toBe("application/json");
    expect(JSON.parse(body.body)).toEqual({ name: "John", age: 30 });
  });

  test("json(string) sends the JSON text as is, as the seed's original did", async () => {
    const text = '{"name":"John","age":30}';
    const body = await (await client.post("/user").json(text).execute()).json();
    expect(body.type).toBe("application/json");
    expect(body.body).toBe(text);
    expect(JSON.parse(body.body)).toEqual({ name: "John", age: 30 });
  });

  test("json() with a string that is not JSON, or a value with no JSON form, fails at the call", () => {
    expect(() => client.post("/user").json("name=John")).toThrow(SyntaxError);
    expect(() => client.post("/user").json("name=John")).toThrow(
      /TestClient\.json\(\): the string is not JSON/,
    );
    expect(() => client.post("/user").json(undefined)).toThrow(/has no JSON form/);
  });

  test("send() sends raw data", async () => {
    const body = await (await client.post("/raw").send("raw data").execute()).json();
    expect(body).toMatchObject({ type: "text/plain;charset=utf-8", body: "raw data" });
  });

  test("file() and formData() together make one multipart body", async () => {
    const body = await (
      await client
        .post("/upload")
        .file({ file: fixture("image1.jpg") })
        .formData({ username: "example" })
        .execute()
    ).json();
    expect(body.type).toStartWith("multipart/form-data; boundary=");
    expect(body.body).toEqual([
      ["file", "image1.jpg", 13, "image/jpeg"],
      ["username", "example"],
    ]);
  });

  test("files() uploads several files under one field", async () => {
    const body = await (
      await client
        .post("/upload")
        .files({ files: [fixture("image1.jpg"), fixture("image2.jpg")] })
        .execute()
    ).json();
    expect(body.body.map((f: unknown[]) => f.slice(0, 2))).toEqual([
      ["files", "image1.jpg"],
      ["files", "image2.jpg"],
    ]);
  });

  test("file() and files() also take Blobs and Files, as the original did", async () => {
    const body = await (
      await client
        .post("/upload")
        .file({ note: new File(["hello"], "note.txt", { type: "text/plain" }) })
        .files({ parts: [new Blob(["a,b"], { type: "text/csv" }), fixture("image2.jpg")] })
        .execute()
    ).json();
    expect(body.body).toEqual([
      ["note", "note.txt", 5, "text/plain;charset=utf-8"],
      ["parts", "blob", 3, expect.any(String)],
      ["parts", "image2.jpg", 12, "image/jpeg"],
    ]);
    expect(() => client.post("/upload").file({ bad: 42 as never })).toThrow(/file path or a Blob/);
  });

  test("mixing body kinds throws a clear error", () => {
    expect(() => client.post("/x").formData({ a: "1" }).json({})).toThrow(
      "cannot use .json() after a form body",
    );
    expect(() => client.post("/x").json({}).send("x")).toThrow("cannot use .send() after a json body");
    expect(() =>
      client
        .post("/x")
        .send("x")
        .file({ f: fixture("image1.jpg") }),
    ).toThrow("cannot use .file() after a raw body");
  });

  test("a missing file throws, naming it", () => {
    expect(() => client.post("/x").file({ f: "./nope/missing.jpg" })).toThrow(
      `file not found: ${path.resolve("./nope/missing.jpg")}`,
    );
  });

  test("builders never share state", async () => {
    const first = client.get("/a").set("authorization", "one").query("q", "1");
    const second = client.get("/b");
    const [a, b] = await Promise.all([first.execute(), second.execute()]);
    expect((await a.json()).auth).toBe("one");
    const other = await b.json();
    expect(other.auth).toBeNull();
    expect(other.url).toBe("http://localhost/b");
  });

  test("the remote address the app sees", async () => {
    expect((await (await client.get("/").execute()).json()).ip).toBe("127.0.0.1");
    expect((await (await client.get("/").ip("203.0.113.5").execute()).json()).ip).toBe("203.0.113.5");
  });

  test("a cookie jar only when asked for", async () => {
    const plain = new TestClient(echo);
    await plain.post("/login").execute();
    expect((await (await plain.get("/me").execute()).json()).cookie).toBeNull();
    const jar = new TestClient(echo, { cookies: true });
    await jar.post("/login").execute();
    expect((await (await jar.get("/me").cookie("extra", "1").execute()).json()).cookie).toBe(
      "sid=abc; extra=1",
    );
    expect(jar.cookies).toEqual({ sid: "abc" });
  });

  test("a builder can be awaited directly", async () => {
    expect((await (await client.get("/await")).json()).method).toBe("GET");
  });

  test("GET with a body is refused", () => {
    expect(() => client.get("/x").send("body").build()).toThrow("a GET request cannot have a body");
  });

  test("needs something with fetch()", () => {
    expect(() => new TestClient({} as never)).toThrow("needs an app with a fetch(request) method");
  });
});
