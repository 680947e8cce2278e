import { describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { TestClient } from "@harpia/test-client";
import harpia, { type HarpiaOptions } from "./index";

/** An app whose `/read?name=` answers what `req.cookies` says about that name. */
function reader(options: HarpiaOptions = {}) {
  const app = harpia({ logErrors: false, ...options });
  app.get("/read", (req) => {
    const name = req.query.name ?? "";
    return {
      get: req.cookies.get(name) ?? null,
      has: req.cookies.has(name),
      signed: options.cookieSecret === undefined ? null : (req.cookies.getSigned(name) ?? null),
    };
  });
  app.get("/all", (req) => {
    const all = req.cookies.getAll();
    return { prototype: Object.getPrototypeOf(all) === null ? "null" : "object", all };
  });
  return new TestClient(app);
}

const read = async (client: TestClient, name: string, cookie?: string) => {
  const request = client.get("/read").query("name", name);
  if (cookie !== undefined) request.set("cookie", cookie);
  const res = await request.execute();
  return { status: res.status, body: await res.json() };
};

describe("cookie names", () => {
  test("are percent-decoded like values", async () => {
    const client = reader();
    expect((await read(client, "key one", "key%20one=v%20w")).body).toEqual({
      get: "v w",
      has: true,
      signed: null,
    });
    const all = await (await client.get("/all").set("cookie", "key%20one=v; caf%C3%A9=1").execute()).json();
    expect(all.all).toEqual({ "key one": "v", café: "1" });
  });

  test("a name that is not valid percent-encoding is kept as sent", async () => {
    expect((await read(reader(), "a%E0%A4%A", "a%E0%A4%A=1")).body.get).toBe("1");
  });

  test("a name a cookie cannot hold is percent-encoded when set, and reads back", async () => {
    const app = harpia();
    app.get("/set", (_req, res) => res.cookie("key one", "v").send("ok"));
    app.get("/get", (req) => req.cookies.get("key one") ?? "missing");
    const client = new TestClient(app, { cookies: true });
    const setCookie = (await client.get("/set").execute()).headers.getSetCookie()[0];
    expect(setCookie).toStartWith("key%20one=v;");
    expect(await (await client.get("/get").execute()).text()).toBe("v");
  });
});

describe("req.cookies is prototype-free, whatever the request", () => {
  const names = [...Object.getOwnPropertyNames(Object.prototype), "__proto__"];
  const cases: [string, HarpiaOptions, string | undefined][] = [
    ["no Cookie header", {}, undefined],
    ["a Cookie header", {}, "a=1"],
    ["no Cookie header, with cookieSecret", { cookieSecret: "s3cret" }, undefined],
    ["a Cookie header, with cookieSecret", { cookieSecret: "s3cret" }, "a=1"],
  ];

  test.each(cases)("%s: Object.prototype names are absent, never a 500", async (_label, options, cookie) => {
    const client = reader(options);
    for (const name of names) {
      const { status, body } = await read(client, name, cookie);
      expect({ name, status, body }).toEqual({
        name,
        status: 200,
        body: { get: null, has: false, signed: null },
      });
    }
  });

  test.each(cases)("%s: getAll() has no prototype", async (_label, options, cookie) => {
    const client = reader(options);
    const request = client.get("/all");
    if (cookie !== undefined) request.set("cookie", cookie);
    const body = await (await request.execute()).json();
    expect(body).toEqual({ prototype: "null", all: cookie ? { a: "1" } : {} });
  });

  test("cookies named constructor or __proto__ are ordinary cookies", async () => {
    const client = reader();
    expect((await read(client, "constructor", "constructor=c")).body.get).toBe("c");
    expect((await read(client, "__proto__", "__proto__=p")).body.get).toBe("p");
    const body = await (await client.get("/all").set("cookie", "__proto__=p; toString=t").execute()).json();
    expect(body).toEqual({ prototype: "null", all: JSON.parse(`{"__proto__":"p","toString":"t"}`) });
  });
});

/** A cookie as Express writes it with `res.cookie(name, value, { signed: true })`. */
function expressSigned(value: string, secret: string): string {
  const signature = createHmac("sha256", secret).update(value).digest("base64").replace(/=+$/, "");
  return encodeURIComponent(`s:${value}.${signature}`);
}

describe("cookies signed by Express (cookieSignatureCompat: 'express')", () => {
  // Values chosen so the base64 signatures hold "+" or "/", which Express sends percent-encoded.
  const value = "user:42";

  test("verify with the same secret, through get() and getSigned()", async () => {
    const client = reader({ cookieSecret: "keyboard cat", cookieSignatureCompat: "express" });
    const cookie = `sid=${expressSigned(value, "keyboard cat")}`;
    expect((await read(client, "sid", cookie)).body).toEqual({ get: value, has: true, signed: value });
    const all = await (await client.get("/all").set("cookie", cookie).execute()).json();
    expect(all.all).toEqual({ sid: value });
  });

  test("are refused without the option (opt-in), with another secret, or tampered with", async () => {
    const cookie = `sid=${expressSigned(value, "keyboard cat")}`;
    const plain = reader({ cookieSecret: "keyboard cat" });
    expect((await read(plain, "sid", cookie)).body).toMatchObject({ get: null, signed: null });
    const compat = reader({ cookieSecret: "another secret", cookieSignatureCompat: "express" });
    expect((await read(compat, "sid", cookie)).body).toMatchObject({ get: null, signed: null });
    const right = reader({ cookieSecret: "keyboard cat", cookieSignatureCompat: "express" });
    const tampered = cookie.replace("user%3A42", "user%3A43");
    expect(tampered).not.toBe(cookie);
    expect((await read(right, "sid", tampered)).body).toMatchObject({ get: null, signed: null });
  });

  test("secret rotation: any configured secret verifies", async () => {
    const client = reader({ cookieSecret: ["new secret", "old secret"], cookieSignatureCompat: "express" });
    expect((await read(client, "a", `a=${expressSigned("1", "old secret")}`)).body.signed).toBe("1");
    expect((await read(client, "b", `b=${expressSigned("2", "new secret")}`)).body.signed).toBe("2");
  });

  test("Harpia's own signed cookies still verify, and new ones are signed in Harpia's format", async () => {
    const app = harpia({ cookieSecret: "keyboard cat", cookieSignatureCompat: "express" });
    app.get("/sign", (_req, res) => res.cookie("uid", "7", { signed: true }).send("ok"));
    app.get("/who", (req) => req.cookies.getSigned("uid") ?? "refused");
    const client = new TestClient(app, { cookies: true });
    const setCookie = (await client.get("/sign").execute()).headers.getSetCookie()[0]!;
    const signature = decodeURIComponent(setCookie.slice(0, setCookie.indexOf(";"))).split(".")[1];
    expect(signature).toBe(createHmac("sha256", "keyboard cat").update("uid=7").digest("base64url"));
    expect(await (await client.get("/who").execute()).text()).toBe("7");
  });

  test("the option is validated when the app is created", () => {
    expect(() => harpia({ cookieSignatureCompat: "express" })).toThrow(/needs harpia\(\{ cookieSecret \}\)/);
    expect(() => harpia({ cookieSecret: "s", cookieSignatureCompat: "rails" as never })).toThrow(TypeError);
  });
});
