// The seed's "Security Headers (Shield)" examples, with app.shield() from the opt-in augment.
import { describe, expect, spyOn, test } from "bun:test";
import harpia from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import "./augment";
import { type SecurityHeaders, Shield, shield } from "./index";

const DEFAULT_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; " +
  "frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; " +
  "script-src-attr 'none'; style-src 'self'; upgrade-insecure-requests";

function nonceOf(csp: string | null, directive: string): string | undefined {
  const part = csp
    ?.split("; ")
    .find((d) => d.startsWith(`${directive} `))
    ?.match(/'nonce-([^']+)'/);
  return part?.[1];
}

describe("seed: basic usage", () => {
  test("app.shield(shieldOptions) with useNonce", async () => {
    const app = harpia();
    const shieldOptions: SecurityHeaders = {
      useNonce: true, // Enable nonce generation, false as default.
    };
    // Apply security headers
    app.shield(shieldOptions);
    // Your routes
    app.get("/", (_req, res) => {
      res.send("Hello, World!");
    });

    const res = await new TestClient(app).get("/");
    expect(await res.text()).toBe("Hello, World!");
    const csp = res.headers.get("content-security-policy");
    const nonce = nonceOf(csp, "script-src");
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(nonceOf(csp, "style-src")).toBe(nonce);
    expect(csp).toBe(
      DEFAULT_CSP.replace("script-src 'self'", `script-src 'self' 'nonce-${nonce}'`).replace(
        "style-src 'self'",
        `style-src 'self' 'nonce-${nonce}'`,
      ),
    );
  });

  test("the default headers, exactly as the seed lists them", async () => {
    const app = harpia();
    app.use(shield());
    app.get("/", () => "ok");
    const res = await new TestClient(app, { baseUrl: "https://example.com" }).get("/");
    const expected: Record<string, string> = {
      "content-security-policy": DEFAULT_CSP,
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-resource-policy": "same-origin",
      "origin-agent-cluster": "?1",
      "referrer-policy": "no-referrer",
      "strict-transport-security": "max-age=15552000; includeSubDomains",
      "x-content-type-options": "nosniff",
      "x-dns-prefetch-control": "off",
      "x-download-options": "noopen",
      "x-frame-options": "SAMEORIGIN",
      "x-permitted-cross-domain-policies": "none",
      "x-xss-protection": "0",
    };
    for (const [name, value] of Object.entries(expected)) expect(res.headers.get(name)).toBe(value);
    expect(res.headers.has("x-powered-by")).toBe(false);
    expect(res.headers.has("cross-origin-embedder-policy")).toBe(false);
  });
});

describe("seed: customizing security headers", () => {
  test("directives merge over the defaults; HSTS for a year with preload", async () => {
    const app = harpia();
    app.shield({
      useNonce: true,
      contentSecurityPolicy: {
        directives: {
          "default-src": ["'self'", "https://trusted.com"],
          "script-src": ["'self'", "'unsafe-inline'"],
        },
      },
      strictTransportSecurity: {
        maxAge: 31536000, // 1 year
        includeSubDomains: true,
        preload: true,
      },
    });
    app.get("/", (_req, res) => res.html(`<script nonce="${res.locals.nonce}">go()</script>`));

    const res = await new TestClient(app, { baseUrl: "https://example.com" }).get("/");
    const csp = res.headers.get("content-security-policy")!;
    const nonce = nonceOf(csp, "script-src")!;
    expect(await res.text()).toBe(`<script nonce="${nonce}">go()</script>`);
    expect(csp).toStartWith("default-src 'self' https://trusted.com; base-uri 'self';");
    expect(csp).toContain(`script-src 'self' 'unsafe-inline' 'nonce-${nonce}';`);
    expect(csp).toContain(`style-src 'self' 'nonce-${nonce}';`);
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains; preload");
  });

  test("custom values of every header (the seed's own cases)", async () => {
    const app = harpia();
    app.use(
      shield({
        crossOriginOpenerPolicy: { policy: "unsafe-none" },
        crossOriginResourcePolicy: { policy: "cross-origin" },
        crossOriginEmbedderPolicy: { policy: "credentialless" },
        referrerPolicy: { policy: ["origin", "unsafe-url"] },
        strictTransportSecurity: { maxAge: 31536000, includeSubDomains: false, preload: true },
        xDnsPrefetchControl: { allow: true },
        xFrameOptions: { action: "DENY" },
        xPermittedCrossDomainPolicies: { permittedPolicies: "master-only" },
      }),
    );
    app.get("/", () => "ok");
    const res = await new TestClient(app, { baseUrl: "https://example.com" }).get("/");
    expect(res.headers.get("cross-origin-opener-policy")).toBe("unsafe-none");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(res.headers.get("cross-origin-embedder-policy")).toBe("credentialless");
    expect(res.headers.get("referrer-policy")).toBe("origin, unsafe-url");
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000; preload");
    expect(res.headers.get("x-dns-prefetch-control")).toBe("on");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-permitted-cross-domain-policies")).toBe("master-only");
  });

  test("every header can be turned off with false", async () => {
    const app = harpia();
    app.use(
      shield({
        contentSecurityPolicy: false,
        crossOriginOpenerPolicy: false,
        crossOriginResourcePolicy: false,
        originAgentCluster: false,
        referrerPolicy: false,
        strictTransportSecurity: false,
        xContentTypeOptions: false,
        xDnsPrefetchControl: false,
        xDownloadOptions: false,
        xFrameOptions: false,
        xPermittedCrossDomainPolicies: false,
        xXssProtection: false,
      }),
    );
    app.get("/", () => "ok");
    const res = await new TestClient(app, { baseUrl: "https://example.com" }).get("/");
    expect([...res.headers.keys()]).toEqual(["content-type"]);
  });

  test("X-Powered-By is removed unless xPoweredBy: true", async () => {
    for (const keep of [false, true]) {
      const app = harpia();
      app.use(shield({ xPoweredBy: keep }));
      app.get("/", (_req, res) => res.header("x-powered-by", "PHP/5.6").send("ok"));
      const res = await new TestClient(app).get("/");
      expect(res.headers.get("x-powered-by")).toBe(keep ? "PHP/5.6" : null);
    }
  });

  test("development: 'unsafe-inline' next to the nonce", async () => {
    const app = harpia();
    app.use(
      shield({
        useNonce: true,
        contentSecurityPolicy: {
          directives: {
            "script-src": ["'self'", "'unsafe-inline'"],
            "style-src": ["'self'", "'unsafe-inline'"],
          },
        },
      }),
    );
    app.get("/", () => "ok");
    const res = await new TestClient(app).get("/");
    const csp = res.headers.get("content-security-policy")!;
    const nonce = nonceOf(csp, "script-src");
    expect(csp).toContain(`script-src 'self' 'unsafe-inline' 'nonce-${nonce}'`);
    expect(csp).toContain(`style-src 'self' 'unsafe-inline' 'nonce-${nonce}'`);
  });
});

describe("HSTS only on HTTPS", () => {
  test("plain HTTP gets no HSTS; a trusted proxy's X-Forwarded-Proto counts", async () => {
    const direct = harpia();
    direct.use(shield());
    direct.get("/", () => "ok");
    const http = new TestClient(direct);
    expect((await http.get("/")).headers.has("strict-transport-security")).toBe(false);
    const spoofed = await http.get("/").set("x-forwarded-proto", "https");
    expect(spoofed.headers.has("strict-transport-security")).toBe(false);

    // The app's trustProxy decides (req.secure); shield needs no setting of its own.
    const proxied = harpia({ trustProxy: ["10.0.0.0/8"] });
    proxied.use(shield());
    proxied.get("/", () => "ok");
    const viaProxy = (socket: string) =>
      new TestClient(proxied).get("/").ip(socket).set("x-forwarded-proto", "https").execute();
    const res = await viaProxy("10.0.0.7");
    expect(res.headers.get("strict-transport-security")).toBe("max-age=15552000; includeSubDomains");
    expect((await viaProxy("203.0.113.9")).headers.has("strict-transport-security")).toBe(false);
  });

  test("the deprecated shield({ trustProxy }) is ignored: the app's trustProxy decides", async () => {
    const warn = spyOn(console, "warn").mockImplementation(() => {});
    try {
      const app = harpia();
      app.use(shield({ trustProxy: true }));
      app.get("/", () => "ok");
      const res = await new TestClient(app).get("/").set("x-forwarded-proto", "https");
      expect(res.headers.has("strict-transport-security")).toBe(false);
      const trusted = harpia({ trustProxy: true });
      trusted.use(shield({ trustProxy: true }));
      trusted.get("/", () => "ok");
      const secure = await new TestClient(trusted).get("/").set("x-forwarded-proto", "https");
      expect(secure.headers.get("strict-transport-security")).toBe("max-age=15552000; includeSubDomains");
    } finally {
      warn.mockRestore();
    }
  });

  test("shield({ trustProxy }) still starts, with one warning per process", async () => {
    // A fresh process, so the once-per-process warning is observed whatever ran before.
    const script =
      'import { shield } from "./src/index"; shield({ trustProxy: true }); shield({ trustProxy: 1 }); ' +
      'shield(); console.log("constructed");';
    const child = Bun.spawn([process.execPath, "-e", script], {
      cwd: `${import.meta.dir}/..`,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    await child.exited;
    expect(stdout.trim()).toBe("constructed");
    const warnings = stderr.split("\n").filter((line) => line.includes("`trustProxy` option is deprecated"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("harpia({ trustProxy })");
  });
});

describe("seed: the template engine section's shield module", () => {
  // The seed's `./shield` module exports a value with `.middleware(app)` and `.instance`:
  //   app.use(shield.middleware(app)); engine.configure(app, shield.instance);
  test("app.use(shield.middleware(app)) installs the same plugin, once; .instance is the Shield", async () => {
    const seedShield = shield({ useNonce: true });
    const app = harpia();
    expect(seedShield.middleware(app)).toBe(seedShield);
    app.use(seedShield.middleware(app));
    app.use(seedShield); // the same value again: a no-op
    expect(app.hasPlugin("@harpia/shield")).toBe(true);
    expect(seedShield.instance).toBeInstanceOf(Shield);
    let nonces = 0;
    app.get("/", (req, res) => {
      nonces = new Set([req.state.nonce, res.locals.nonce]).size;
      return res.html(`<script nonce="${req.state.nonce}"></script>`);
    });
    const res = await new TestClient(app).get("/");
    const nonce = nonceOf(res.headers.get("content-security-policy"), "script-src");
    expect(await res.text()).toBe(`<script nonce="${nonce}"></script>`);
    expect(nonces).toBe(1);
  });
});
