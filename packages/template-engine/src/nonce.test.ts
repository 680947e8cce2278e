import { afterAll, describe, expect, test } from "bun:test";
import { harpia } from "@harpia/core";
import { shield } from "@harpia/shield";
import { TestClient } from "@harpia/test-client";
import { TemplateEngine } from "./engine";
import { TemplateDir } from "./test-utils";

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
  test("without shield: one fresh 128-bit base64 nonce per response, stored in res.locals.nonce", async () => {
    const harpiaApp = app(false);
    let fromLocals: unknown;
    harpiaApp.addHook("onSend", (_req, res) => {
      fromLocals = res.locals.nonce;
    });
    const html = await new TestClient(harpiaApp)
      .get("/secure")
      .execute()
      .then((r) => r.text());
    const [script, style, direct] = nonces(html);
    expect(script).toBe(style!);
    expect(direct).toBe(script!);
    expect(fromLocals).toBe(script);
    expect(Buffer.from(script!, "base64").length).toBeGreaterThanOrEqual(16);
    expect(script).toMatch(/^[A-Za-z0-9+/]+=*$/);
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
