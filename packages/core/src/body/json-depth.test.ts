import { describe, expect, test } from "bun:test";
import harpia from "../index";
import { DEFAULT_JSON_DEPTH, parseBody } from "../utils";

const nested = (depth: number, open = "[", close = "]") => open.repeat(depth) + close.repeat(depth);
const objects = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${"}".repeat(depth - 1)}`;

function post(app: ReturnType<typeof harpia>, path: string, body: string, type = "application/json") {
  return app.request(path, { method: "POST", headers: { "content-type": type }, body });
}

describe("JSON nesting limit", () => {
  const app = harpia({ logErrors: false });
  app.post("/echo", (req) => ({ ok: true, type: typeof req.body }));
  app.post("/deep", { jsonDepth: 200 }, (req) => ({ ok: true, type: typeof req.body }));
  app.post("/text", async (req) => ({ value: await req.json() }));

  test(`the default is ${DEFAULT_JSON_DEPTH} levels: deeper bodies are a 400 BODY_TOO_DEEP`, async () => {
    expect(DEFAULT_JSON_DEPTH).toBe(64);
    expect((await post(app, "/echo", nested(64))).status).toBe(200);
    expect((await post(app, "/echo", objects(64))).status).toBe(200);
    const res = await post(app, "/echo", nested(65));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      status: 400,
      code: "BODY_TOO_DEEP",
      message: "JSON body is nested deeper than the limit of 64 levels",
      details: { limit: 64 },
    });
    expect((await post(app, "/echo", objects(65))).status).toBe(400);
  });

  test("100,000 nested arrays are refused with a 400, not a 500", async () => {
    const res = await post(app, "/echo", nested(100_000));
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe("BODY_TOO_DEEP");
  });

  test("brackets inside strings do not count, escaped quotes included", async () => {
    const body = JSON.stringify({ a: "[".repeat(500), b: `"\\"${"{".repeat(500)}`, c: [[["x"]]] });
    expect((await post(app, "/echo", body)).status).toBe(200);
    const many = JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ i, tags: [i] })));
    expect((await post(app, "/echo", many)).status).toBe(200);
  });

  test("a route's jsonDepth overrides the app's", async () => {
    expect((await post(app, "/deep", nested(150))).status).toBe(200);
    expect((await post(app, "/deep", nested(201))).status).toBe(400);
  });

  test("the app's jsonDepth is the default for every route", async () => {
    const shallow = harpia({ jsonDepth: 2 });
    shallow.post("/echo", (req) => req.body);
    expect((await post(shallow, "/echo", '{"a":[1]}')).status).toBe(200);
    expect((await post(shallow, "/echo", '{"a":[[1]]}')).status).toBe(400);
  });

  test("req.json() on a body parsed as text applies the limit; malformed JSON is a 400", async () => {
    expect(await (await post(app, "/text", "[1]", "text/plain")).json()).toEqual({ value: [1] });
    const deep = await post(app, "/text", nested(1000), "text/plain");
    expect(deep.status).toBe(400);
    expect((await deep.json()).code).toBe("BODY_TOO_DEEP");
    const malformed = await post(app, "/text", "{nope", "text/plain");
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).code).toBe("INVALID_JSON");
  });

  test("parseBody takes the limit too", async () => {
    const request = () =>
      new Request("http://x/", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: nested(10),
      });
    expect((await parseBody(request(), "json", 1024, { jsonDepth: 10 })).body).toBeArray();
    await expect(parseBody(request(), "json", 1024, { jsonDepth: 9 })).rejects.toMatchObject({
      code: "BODY_TOO_DEEP",
    });
  });
});
