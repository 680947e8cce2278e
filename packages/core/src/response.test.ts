import { afterAll, describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import harpia from "./index";

const app = harpia();
app.get("/text", (_req, res) => res.text("plain"));
app.get("/html", (_req, res) => res.html("<p>é</p>"));
app.get("/json", (_req, res) => res.status(201).json({ a: 1 }));
app.get("/send-string", (_req, res) => res.send("hi"));
app.get("/send-object", (_req, res) => res.send({ message: "hello world" }));
app.get("/send-bytes", (_req, res) => res.send(new Uint8Array([1, 2, 3])));
app.get("/send-blob", (_req, res) => res.send(new Blob(["<b>"], { type: "text/html" })));
app.get("/send-stream", (_req, res) =>
  res.send(
    new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode("chunk1,"));
        c.enqueue(new TextEncoder().encode("chunk2"));
        c.close();
      },
    }),
  ),
);
app.get("/redirect", (_req, res) => res.redirect("/elsewhere"));
app.get("/redirect-301", (_req, res) => res.redirect("/moved", 301));
app.get("/file", async (_req, res) => {
  await res.file(import.meta.path);
});
app.get("/missing-file", async (_req, res) => {
  await res.file("/definitely/not/here.txt");
});
app.get("/headers", (_req, res) => {
  res.header("x-one", "1");
  res.headers.append("x-many", "a");
  res.headers.append("x-many", "b");
  res.headers.set("x-gone", "bye");
  res.headers.delete("x-gone");
  return { got: res.headers.get("x-one") };
});
app.use((_req, res, next) => {
  res.locals.user = "ada";
  return next();
});
app.get("/locals", (_req, res) => ({ user: res.locals.user }));
app.get("/seed-chain", (_req, res) => res.status(200).send({ message: "hello world" }));
const client = new TestClient(app);

describe("response helpers", () => {
  test("text, html and json set their content types (utf-8)", async () => {
    const text = await client.get("/text").execute();
    expect(text.headers.get("content-type")).toBe("text/plain;charset=utf-8");
    const html = await client.get("/html").execute();
    expect(html.headers.get("content-type")).toBe("text/html;charset=utf-8");
    expect(await html.text()).toBe("<p>é</p>");
    const json = await client.get("/json").execute();
    expect(json.status).toBe(201);
    expect(json.headers.get("content-type")).toBe("application/json;charset=utf-8");
  });

  test("send: strings as text, objects as JSON, bytes, blobs and streams as they are", async () => {
    expect((await client.get("/send-string").execute()).headers.get("content-type")).toBe(
      "text/plain;charset=utf-8",
    );
    expect(await (await client.get("/send-object").execute()).json()).toEqual({ message: "hello world" });
    const bytes = await client.get("/send-bytes").execute();
    expect(bytes.headers.get("content-type")).toBe("application/octet-stream");
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([1, 2, 3]);
    const blob = await client.get("/send-blob").execute();
    expect(blob.headers.get("content-type")).toStartWith("text/html");
    expect(await (await client.get("/send-stream").execute()).text()).toBe("chunk1,chunk2");
  });

  test("the seed's res.status(200).send({...}) chain", async () => {
    expect(await (await client.get("/seed-chain").execute()).json()).toEqual({ message: "hello world" });
  });

  test("redirect defaults to 302", async () => {
    const res = await client.get("/redirect").execute();
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/elsewhere");
    expect((await client.get("/redirect-301").execute()).status).toBe(301);
  });

  test("file streams from disk with its type; a missing file is a 404", async () => {
    const res = await client.get("/file").execute();
    expect(await res.text()).toContain("response helpers");
    expect((await client.get("/missing-file").execute()).status).toBe(404);
  });

  test("headers: set, append, delete", async () => {
    const res = await client.get("/headers").execute();
    expect(res.headers.get("x-one")).toBe("1");
    expect(res.headers.get("x-many")).toBe("a, b");
    expect(res.headers.has("x-gone")).toBe(false);
    expect(await res.json()).toEqual({ got: "1" });
  });

  test("locals carry per-request data from middleware", async () => {
    expect(await (await client.get("/locals").execute()).json()).toEqual({ user: "ada" });
  });

  test("a JSON value that cannot be serialised is a 500 through the error handler", async () => {
    const broken = harpia({ logErrors: false });
    const seen: string[] = [];
    broken.setErrorHandler((err, _req, res) => {
      seen.push((err as Error).name);
      res.json({ failed: true });
    });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    broken.get("/cycle", (_req, res) => res.json(cycle));
    broken.get("/bigint", () => ({ n: 1n }));
    for (const path of ["/cycle", "/bigint"]) {
      const res = await new TestClient(broken).get(path).execute();
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ failed: true });
    }
    expect(seen).toEqual(["TypeError", "TypeError"]);
  });

  test("headers set with res.header() are readable through res.headers and can be replaced", async () => {
    const probe = harpia();
    probe.get("/", (_req, res) => {
      res.header("X-Trace", "a");
      res.header("x-trace", "b");
      return { seen: res.headers.get("x-trace") };
    });
    const res = await new TestClient(probe).get("/").execute();
    expect(res.headers.get("x-trace")).toBe("b");
    expect(await res.json()).toEqual({ seen: "b" });
  });

  test("invalid statuses are refused", () => {
    const probe = harpia();
    probe.get("/", (_req, res) => {
      expect(() => res.status(99)).toThrow(RangeError);
      expect(() => res.redirect("/x", 200)).toThrow(RangeError);
      return "ok";
    });
    return probe.request("/");
  });
});

describe("cookies on the response", () => {
  const cookieApp = harpia({ logErrors: false });
  cookieApp.get("/set", (_req, res) => {
    res.cookies.set("userSession", "abcd1234", {
      path: "/",
      maxAge: 3600,
      secure: true,
      httpOnly: true,
      sameSite: "Strict",
      domain: "example.com",
      priority: "High",
      partitioned: true,
    });
    res.cookie("theme", "dark", { sameSite: "Lax", expires: new Date(Date.UTC(2030, 0, 1)) });
    return "set";
  });
  cookieApp.get("/delete", (_req, res) => {
    res.cookies.delete("userSession");
    return "deleted";
  });
  cookieApp.get("/none-insecure", (_req, res) => {
    res.cookies.set("x", "1", { sameSite: "None" });
    return "unreachable";
  });

  test("every option is written", async () => {
    const [session, theme] = (await new TestClient(cookieApp).get("/set").execute()).headers.getSetCookie();
    expect(session).toBe(
      "userSession=abcd1234; Max-Age=3600; Domain=example.com; Path=/; HttpOnly; Secure; Partitioned; Priority=High; SameSite=Strict",
    );
    expect(theme).toBe("theme=dark; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; SameSite=Lax");
  });

  test("delete expires the cookie now", async () => {
    const [header] = (await new TestClient(cookieApp).get("/delete").execute()).headers.getSetCookie();
    expect(header).toBe("userSession=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  });

  test("SameSite=None without Secure is refused (browsers would drop it)", async () => {
    const res = await new TestClient(cookieApp).get("/none-insecure").execute();
    expect(res.status).toBe(500);
  });
});

describe("over a real socket", () => {
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  afterAll(() => server.stop(true));

  test("Content-Length counts bytes, not characters", async () => {
    const res = await fetch(new URL("/html", server.url));
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength("<p>é</p>")));
    expect(await res.text()).toBe("<p>é</p>");
  });

  test("text keeps its content type on the wire", async () => {
    const res = await fetch(new URL("/send-string", server.url));
    expect(res.headers.get("content-type")).toBe("text/plain;charset=utf-8");
    expect(await res.text()).toBe("hi");
  });

  test("HEAD carries no body", async () => {
    const res = await fetch(new URL("/json", server.url), { method: "HEAD" });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("");
  });
});

describe("res.statusCode follows a whole Response", () => {
  test("returned or sent, onSend and onResponse hooks read the status that goes out", async () => {
    const seen: string[] = [];
    const app = harpia();
    app.addHook("onSend", (req, res) => void seen.push(`onSend ${req.path} ${res.statusCode}`));
    app.addHook(
      "onResponse",
      (req, res, response) => void seen.push(`onResponse ${req.path} ${res.statusCode} ${response.status}`),
    );
    app.get("/returned", () => new Response("teapot", { status: 418 }));
    app.get("/sent", (_req, res) => res.send(new Response(null, { status: 204 })));
    // A status set before wins nothing: the Response's own status is what is sent.
    app.get("/preset", (_req, res) => {
      res.status(201);
      return new Response("made", { status: 202 });
    });
    expect((await app.request("/returned")).status).toBe(418);
    expect((await app.request("/sent")).status).toBe(204);
    expect((await app.request("/preset")).status).toBe(202);
    await Bun.sleep(0);
    expect(seen).toEqual([
      "onSend /returned 418",
      "onResponse /returned 418 418",
      "onSend /sent 204",
      "onResponse /sent 204 204",
      "onSend /preset 202",
      "onResponse /preset 202 202",
    ]);
  });
});
