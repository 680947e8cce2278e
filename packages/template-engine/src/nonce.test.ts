import { afterAll, describe, expect, test } from "bun:test";
import { harpia } from "@harpia/core";
import { shield } from "@harpia/shield";
import { TestClient } from "@harpia/test-client";
import { TemplateDir } from "../test/support/template-dir";
import { TemplateEngine } from "./engine";

// The shield section's page: the nonce is cached with @set and used twice, and read again.
const dir = new TemplateDir({
  "views/secure.html": [
    "@set nonce = generateNonce() @endset",
    "<h1>Hello, {{ name }}!</h1>",
    '<script nonce="{{ nonce }}">console.log("ok")</script>',
    '<style nonce="{{ nonce }}">body { color: blue; }</style>',
    "<i>{{ generateNonce() }}</i>",
    "",
  ].join("\n"),
  "views/locals.html": '<script nonce="{{ nonce }}"></script>',
});
afterAll(() => dir.remove());

const NONCES = /nonce="([^"]+)"[\s\S]*nonce="([^"]+)"[\s\S]*<i>([^<]+)<\/i>/;

function nonces(html: string): string[] {
  const match = NONCES.exec(html);
  if (!match) throw new Error(`no nonces in ${html}`);
  return [match[1]!, match[2]!, match[3]!];
}

function app(withShield: boolean) {
  const app = harpia();
  if (withShield) app.use(shield({ useNonce: true }));
  new TemplateEngine({ path: { views: dir.path("views") } }).configure(app);
  app.get("/secure", async (req, res) => {
    // Yield between requests so concurrent renders interleave.
    await Bun.sleep(Number(req.query.delay ?? 0));
    await res.render("secure", { name: "Ada" });
  });
  app.get("/locals", (_req, res) => res.render("locals"));
  return app;
}

describe("generateNonce()", () => {
  test("without shield: one fresh nonce per response (core's createNonce), kept on req.state and res.locals", async () => {
    const harpiaApp = app(false);
    let fromLocals: unknown;
    let fromState: unknown;
    harpiaApp.addHook("onSend", (req, res) => {
      fromLocals = res.locals.nonce;
      fromState = req.state.nonce;
    });
    const html = await new TestClient(harpiaApp)
      .get("/secure")
      .execute()
      .then((r) => r.text());
    const [script, style, direct] = nonces(html);
    expect(script).toBe(style!);
    expect(direct).toBe(script!);
    expect(fromLocals).toBe(script);
    expect(fromState).toBe(script);
    expect(script).toMatch(/^[A-Za-z0-9_-]{24}$/); // 144 bits, base64url
  });

  test("with shield (useNonce): the nonce is the one in the Content-Security-Policy header", async () => {
    const res = await new TestClient(app(true)).get("/secure").execute();
    const [script, style, direct] = nonces(await res.text());
    expect(style).toBe(script!);
    expect(direct).toBe(script!);
    expect(res.headers.get("content-security-policy")).toContain(`'nonce-${script}'`);
  });

  test("{{ nonce }} works without @set, from res.locals", async () => {
    const res = await new TestClient(app(true)).get("/locals").execute();
    const nonce = /nonce="([^"]+)"/.exec(await res.text())![1]!;
    expect(nonce.length).toBeGreaterThan(16);
    expect(res.headers.get("content-security-policy")).toContain(`'nonce-${nonce}'`);
  });

  test("the shield nonce comes from req.state, even when the handler replaced res.locals", async () => {
    const harpiaApp = harpia();
    harpiaApp.use(shield({ useNonce: true }));
    new TemplateEngine({ path: { views: dir.path("views") } }).configure(harpiaApp);
    harpiaApp.get("/:view", (req, res) => {
      res.locals = {};
      return res.render(req.params.view, { name: "Ada" });
    });
    const client = new TestClient(harpiaApp);
    const secure = await client.get("/secure").execute();
    const header = secure.headers.get("content-security-policy")!;
    expect(nonces(await secure.text()).map((nonce) => header.includes(`'nonce-${nonce}'`))).toEqual([
      true,
      true,
      true,
    ]);
    // {{ nonce }} without @set: the engine adds req.state.nonce to data that has none.
    const locals = await client.get("/locals").execute();
    const nonce = /nonce="([^"]*)"/.exec(await locals.text())![1]!;
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(locals.headers.get("content-security-policy")).toContain(`'nonce-${nonce}'`);
  });

  test("a nonce another step put in req.state.nonce is the one templates print", async () => {
    const harpiaApp = harpia();
    harpiaApp.use((req, _res, next) => {
      req.state.nonce = "from-request-state";
      return next();
    });
    new TemplateEngine({ path: { views: dir.path("views") } }).configure(harpiaApp);
    harpiaApp.get("/", (_req, res) => res.render("secure", { name: "x" }));
    harpiaApp.get("/locals", (_req, res) => res.render("locals"));
    const client = new TestClient(harpiaApp);
    const html = await (await client.get("/")).text();
    expect(nonces(html)).toEqual(["from-request-state", "from-request-state", "from-request-state"]);
    expect(await (await client.get("/locals")).text()).toBe('<script nonce="from-request-state"></script>');
  });

  test("the contract with shield: a string already in res.locals.nonce is used as is", async () => {
    const harpiaApp = harpia();
    harpiaApp.use((_req, res, next) => {
      res.locals.nonce = "from-shield";
      return next();
    });
    new TemplateEngine({ path: { views: dir.path("views") } }).configure(harpiaApp);
    harpiaApp.get("/", (_req, res) => res.render("secure", { name: "x" }));
    const html = await new TestClient(harpiaApp)
      .get("/")
      .execute()
      .then((r) => r.text());
    expect(nonces(html)).toEqual(["from-shield", "from-shield", "from-shield"]);
  });

  test("concurrent requests on a real server never share a nonce", async () => {
    for (const withShield of [false, true]) {
      const harpiaApp = app(withShield);
      const server = await harpiaApp.listen({ port: 0, hostname: "127.0.0.1" });
      try {
        const responses = await Promise.all(
          Array.from({ length: 24 }, (_, i) => fetch(`${server.url}secure?delay=${(i * 7) % 5}`)),
        );
        const seen = new Set<string>();
        for (const res of responses) {
          const [script, style, direct] = nonces(await res.text());
          expect(style).toBe(script!);
          expect(direct).toBe(script!);
          if (withShield) expect(res.headers.get("content-security-policy")).toContain(`'nonce-${script}'`);
          seen.add(script!);
        }
        expect(seen.size).toBe(responses.length);
      } finally {
        await server.stop();
      }
    }
  });

  test("engine.render without a response still gives one nonce per render", async () => {
    const engine = new TemplateEngine({ path: { views: dir.path("views") } });
    const [a, b] = await Promise.all([engine.render("secure"), engine.render("secure")]);
    const first = nonces(a);
    const second = nonces(b);
    expect(new Set(first).size).toBe(1);
    expect(new Set(second).size).toBe(1);
    expect(first[0]).not.toBe(second[0]!);
  });
});
