/**
 * Maps built from what the client sends (params, query, form bodies) have no prototype, so
 * names such as `__proto__` and `constructor` are ordinary keys and never reach Object.prototype.
 */
import { afterAll, describe, expect, test } from "bun:test";
import harpia from "./index";
import { preferredFormat } from "./utils";

function describeMap(map: Record<string, unknown>) {
  return {
    prototype: Object.getPrototypeOf(map) === null ? "none" : "some",
    keys: Object.keys(map),
    constructorIn: "constructor" in map,
    toStringIn: "toString" in map,
  };
}

const app = harpia();
/** Read as an own value (a literal `.__proto__` would read the prototype accessor on a normal object). */
const own = (map: object, key: string) => Object.getOwnPropertyDescriptor(map, key)?.value;
app.get("/proto/:__proto__", (req) => ({
  value: own(req.params, "__proto__"),
  map: describeMap(req.params),
}));
app.get("/ctor/:constructor/:toString", (req) => ({
  params: { ...req.params },
  map: describeMap(req.params),
}));
app.get("/animals/:kind?", (req) => describeMap(req.params));
app.get("/plain", (req) => describeMap(req.params));
app.get("/echo/:a/:b", (req) => req.params);
app.get("/query", (req) => ({
  proto: own(req.query, "__proto__"),
  ctor: req.query.constructor,
  map: describeMap(req.query),
}));
app.post("/form", (req) => ({
  body: { ...req.body },
  map: describeMap(req.body),
  user: describeMap(req.body.user),
}));

describe("route params", () => {
  test("a :__proto__ param keeps its value", async () => {
    const body = await (await app.request("/proto/abc")).json();
    expect(body.value).toBe("abc");
    expect(body.map).toEqual({
      prototype: "none",
      keys: ["__proto__"],
      constructorIn: false,
      toStringIn: false,
    });
  });

  test("params named like Object.prototype members are ordinary values", async () => {
    const body = await (await app.request("/ctor/1/2")).json();
    expect(body.params).toEqual({ constructor: "1", toString: "2" });
  });

  test("an absent optional param leaves an object without prototype", async () => {
    expect(await (await app.request("/animals")).json()).toEqual({
      prototype: "none",
      keys: [],
      constructorIn: false,
      toStringIn: false,
    });
    expect((await (await app.request("/animals/dog")).json()).keys).toEqual(["kind"]);
    expect((await (await app.request("/plain")).json()).constructorIn).toBe(false);
  });

  test("params returned by a handler are sent as JSON", async () => {
    expect(await (await app.request("/echo/1/2")).json()).toEqual({ a: "1", b: "2" });
  });

  describe("matched by Bun's native router (listen)", () => {
    const handle = app.listen({ port: 0, hostname: "127.0.0.1" });
    afterAll(() => handle.stop(true));
    const get = async (path: string) => (await fetch(new URL(path, handle.url))).json();

    test("the same objects: no prototype, :__proto__ kept, returned params sent as JSON", async () => {
      expect(await get("/proto/abc")).toEqual({
        value: "abc",
        map: { prototype: "none", keys: ["__proto__"], constructorIn: false, toStringIn: false },
      });
      expect((await get("/animals")).constructorIn).toBe(false);
      expect(await get("/echo/1/2")).toEqual({ a: "1", b: "2" });
    });
  });
});

describe("query", () => {
  test("?__proto__=x&constructor=y are ordinary keys", async () => {
    const body = await (await app.request("/query?__proto__=x&constructor=y&a=1")).json();
    expect(body).toEqual({
      proto: "x",
      ctor: "y",
      map: {
        prototype: "none",
        keys: ["__proto__", "constructor", "a"],
        constructorIn: true,
        toStringIn: false,
      },
    });
  });

  test("an empty query has no prototype either", async () => {
    expect((await (await app.request("/query")).json()).map).toEqual({
      prototype: "none",
      keys: [],
      constructorIn: false,
      toStringIn: false,
    });
  });
});

describe("form bodies", () => {
  const expected = {
    body: { user: { name: "ada" }, toString: "1" },
    map: { prototype: "none", keys: ["user", "toString"], constructorIn: false, toStringIn: true },
    user: { prototype: "none", keys: ["name"], constructorIn: false, toStringIn: false },
  };

  test("urlencoded fields build objects without prototype; __proto__ and constructor keys are dropped", async () => {
    const res = await app.request("/form", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "user[name]=ada&toString=1&__proto__[admin]=1&constructor[prototype][admin]=1",
    });
    expect(await res.json()).toEqual(expected);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  test("multipart fields too", async () => {
    const form = new FormData();
    form.append("user[name]", "ada");
    form.append("toString", "1");
    form.append("__proto__[admin]", "1");
    const res = await app.request("/form", { method: "POST", body: form });
    expect(await res.json()).toEqual(expected);
  });
});

test("preferredFormat: an Accept naming an Object.prototype member is not a format", () => {
  expect(preferredFormat("constructor", ["json", "html"])).toBe("json");
  expect(preferredFormat("toString, text/html;q=0.5", ["json", "html"])).toBe("html");
});
