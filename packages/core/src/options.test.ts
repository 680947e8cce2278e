import { afterAll, describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import harpia, { type Middleware, Upload, withRouteOptions } from "./index";
import { ROUTE_OPTIONS } from "./types";

const echo = (req: { body: unknown }) => ({ size: JSON.stringify(req.body).length });
const json = (bytes: number) => JSON.stringify({ pad: "x".repeat(bytes - 10) });

describe("app size options are checked when the app is created", () => {
  test("a bodyLimit read from an unset environment variable (NaN) fails, instead of lifting the limit", () => {
    const fromEnv = Number(process.env.HARPIA_TEST_UNSET_BODY_LIMIT);
    expect(() => harpia({ bodyLimit: fromEnv })).toThrow(TypeError);
    expect(() => harpia({ bodyLimit: fromEnv })).toThrow(
      "harpia({ bodyLimit }): expected a positive whole number",
    );
  });

  test.each([[1.3], [-1], [0], [[]], [{}], ["lots"], [Number.POSITIVE_INFINITY]])(
    "bodyLimit %p is refused",
    (value) => {
      expect(() => harpia({ bodyLimit: value as never })).toThrow("harpia({ bodyLimit })");
    },
  );

  test("a size string is a limit in bytes", async () => {
    const app = harpia({ bodyLimit: "1kb" });
    app.post("/echo", echo);
    const client = new TestClient(app);
    expect(
      (await client.post("/echo").set("content-type", "application/json").send(json(1000)).execute()).status,
    ).toBe(200);
    const over = await client
      .post("/echo")
      .set("content-type", "application/json")
      .send(json(1100))
      .execute();
    expect(over.status).toBe(413);
    expect((await over.json()).code).toBe("PAYLOAD_TOO_LARGE");
  });

  test("jsonDepth and constraintMaxLength must be positive whole numbers", () => {
    expect(() => harpia({ jsonDepth: 0 })).toThrow(
      "harpia({ jsonDepth }): expected a positive whole number, got 0",
    );
    expect(() => harpia({ jsonDepth: Number.NaN })).toThrow("harpia({ jsonDepth })");
    expect(() => harpia({ constraintMaxLength: 2.5 })).toThrow("harpia({ constraintMaxLength })");
  });
});

describe("listen({ maxRequestBodySize })", () => {
  const app = harpia();
  app.post("/echo", echo);
  const handle = app.listen({ port: 0, hostname: "127.0.0.1", maxRequestBodySize: "2kb" });
  afterAll(() => handle.stop(true));

  test("a size string becomes the app's default body limit", async () => {
    const post = (bytes: number) =>
      fetch(new URL("/echo", handle.url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: json(bytes),
      });
    expect((await post(2000)).status).toBe(200);
    expect((await post(2100)).status).toBe(413);
  });

  test("NaN and fractions are refused", () => {
    expect(() => harpia().listen({ port: 0, maxRequestBodySize: Number.NaN })).toThrow(
      "listen({ maxRequestBodySize })",
    );
    expect(() => harpia().listen({ port: 0, maxRequestBodySize: 10.5 })).toThrow("got 10.5");
  });
});

describe("route options are checked at registration", () => {
  const app = harpia();
  const h = () => "ok";

  test.each([
    [
      { bodyLimit: Number.NaN },
      'POST /x: route option "bodyLimit": expected a positive whole number of bytes',
    ],
    [{ bodyLimit: -1 }, 'POST /x: route option "bodyLimit"'],
    [{ bodyLimit: 1.3 }, "got 1.3"],
    [{ bodyLimit: [] }, "got an array"],
    [
      { bodylimit: 10 },
      'POST /x: unknown route option "bodylimit" (known: bodyLimit, accepts, parseBody, jsonDepth, timeout, schema, detail)',
    ],
    [
      { accepts: "xml" },
      'POST /x: route option "accepts": expected one or more of "json", "form", "multipart", "text", got "xml"',
    ],
    [{ accepts: [] }, "got an empty list"],
    [{ accepts: ["json", 1] }, "got 1"],
    [{ parseBody: "no" }, 'POST /x: route option "parseBody": expected true or false, got "no"'],
    [{ jsonDepth: 0 }, 'POST /x: route option "jsonDepth": expected a positive whole number, got 0'],
  ])("%j is refused", (options, message) => {
    expect(() => app.post("/x", options as never, h)).toThrow(TypeError);
    expect(() => app.post("/x", options as never, h)).toThrow(message);
  });

  test("withRouteOptions checks the options it attaches", () => {
    const pass: Middleware = (_req, _res, next) => next();
    expect(() => withRouteOptions(pass, { bodyLimit: Number.NaN })).toThrow(
      'withRouteOptions: route option "bodyLimit"',
    );
    expect(() => withRouteOptions(pass, { accepts: "yaml" as never })).toThrow('route option "accepts"');
  });

  test("options set on the symbol directly are checked when the app compiles", () => {
    const sneaky: Middleware = (_req, _res, next) => next();
    (sneaky as any)[ROUTE_OPTIONS] = { bodyLimit: Number.NaN };
    const other = harpia();
    other.post("/y", sneaky, h);
    expect(() => other.compile()).toThrow('POST /y: a middleware\'s route options: route option "bodyLimit"');
  });

  test("size strings work in route options and in middleware options", async () => {
    const other = harpia({ bodyLimit: 1024 });
    other.post("/route", { bodyLimit: "3kb" }, echo);
    const raise = withRouteOptions((_req, _res, next) => next(), { bodyLimit: "4kb" });
    other.post("/carried", raise, echo);
    const client = new TestClient(other);
    const send = (path: string, bytes: number) =>
      client.post(path).set("content-type", "application/json").send(json(bytes)).execute();
    expect((await send("/route", 3000)).status).toBe(200);
    expect((await send("/route", 3200)).status).toBe(413);
    expect((await send("/carried", 4000)).status).toBe(200);
    expect((await send("/carried", 4200)).status).toBe(413);
  });
});

describe("Upload size options", () => {
  test("maxSize and bodyLimit take sizes; NaN, fractions and other types are refused", () => {
    expect(() => new Upload({ options: { maxSize: Number.NaN } })).toThrow(TypeError);
    expect(() => new Upload({ options: { maxSize: Number.NaN } })).toThrow("Upload: options.maxSize");
    expect(() => new Upload({ options: { maxSize: 1.5 } })).toThrow("got 1.5");
    expect(() => new Upload({ bodyLimit: [] as never })).toThrow("Upload: bodyLimit");
    expect(() => new Upload({ options: { maxFiles: 2.5 } })).toThrow("Upload: options.maxFiles");
    expect(() => new Upload({ options: { maxSize: "2mb" }, bodyLimit: "3mb" })).not.toThrow();
  });

  test("a maxSize string sets the route's body limit from it", async () => {
    const upload = new Upload({ path: "/tmp/harpia-options-test-unused", options: { maxSize: "1kb" } });
    const app = harpia();
    app.post("/up", upload.single, () => "saved");
    const form = new FormData();
    form.append("file", new File(["x".repeat(200 * 1024)], "big.txt", { type: "text/plain" }));
    const res = await app.request("/up", { method: "POST", body: form });
    expect(res.status).toBe(413);
    expect((await res.json()).details.limit).toBe(1024 + 64 * 1024);
  });
});
