import { describe, expect, test } from "bun:test";
import harpia from "@harpia/core";
import { type SecurityHeaders, Shield, shield } from "./index";

function policy(options: ConstructorParameters<typeof Shield>[0], nonce?: string): string | undefined {
  return new Shield(options).policy(nonce);
}

describe("Content-Security-Policy compilation", () => {
  test("camelCase names, false removes a default, empty arrays give bare directives", () => {
    const value = policy({
      contentSecurityPolicy: {
        directives: {
          scriptSrc: ["'self'", "https://cdn.example"],
          upgradeInsecureRequests: false,
          "report-to": ["csp-endpoint"],
          "block-all-mixed-content": [],
        },
      },
    })!;
    expect(value).toContain("script-src 'self' https://cdn.example;");
    expect(value).not.toContain("upgrade-insecure-requests");
    expect(value).toEndWith("report-to csp-endpoint; block-all-mixed-content");
  });

  test("useDefaults: false starts from nothing; removing everything sends no header", () => {
    expect(
      policy({ contentSecurityPolicy: { useDefaults: false, directives: { "default-src": ["'none'"] } } }),
    ).toBe("default-src 'none'");
    expect(policy({ contentSecurityPolicy: { useDefaults: false } })).toBeUndefined();
  });

  test("the nonce goes into script-src and style-src, replacing 'none', created from default-src when missing", () => {
    const value = policy(
      {
        useNonce: true,
        contentSecurityPolicy: {
          directives: {
            "default-src": ["'self'", "https://a.example"],
            "script-src": false,
            "style-src": ["'none'"],
          },
        },
      },
      "abc",
    )!;
    expect(value).toContain("script-src 'self' https://a.example 'nonce-abc'");
    expect(value).toContain("style-src 'nonce-abc'");
    expect(value).not.toContain("style-src 'none'");
  });

  test("reportOnly uses the report-only header", async () => {
    const app = harpia();
    app.use(shield({ contentSecurityPolicy: { reportOnly: true } }));
    app.get("/", () => "ok");
    const res = await app.request("/");
    expect(res.headers.has("content-security-policy")).toBe(false);
    expect(res.headers.get("content-security-policy-report-only")).toStartWith("default-src 'self'");
  });

  test("mistakes are refused when the shield is built, not per request", () => {
    const csp = (directives: Record<string, any>) => () =>
      new Shield({ contentSecurityPolicy: { directives } });
    expect(csp({ "script-src": ["self"] })).toThrow(/single quotes/);
    expect(csp({ "script-src": ["nonce-abc"] })).toThrow(/single quotes/);
    expect(csp({ "script-src": ["'self'; report-uri https://evil.example"] })).toThrow(/may not contain/);
    expect(csp({ "script-src": ["https://a.example\r\nSet-Cookie: x=1"] })).toThrow(/may not contain/);
    expect(csp({ "script src": ["'self'"] })).toThrow(/not valid/);
    expect(csp({ "script-src": "'self'" })).toThrow(/array/);
    expect(csp({ "script-src": [""] })).toThrow(/non-empty/);
    expect(() => new Shield({ xFrameOptions: { action: "ALLOW-FROM x" as "DENY" } })).toThrow(
      /DENY, SAMEORIGIN/,
    );
    expect(() => new Shield({ referrerPolicy: { policy: "nope" as "origin" } })).toThrow(/referrerPolicy/);
    expect(() => new Shield({ strictTransportSecurity: { maxAge: -1 } })).toThrow(
      "Shield strictTransportSecurity.maxAge must be a whole number of seconds, got -1",
    );
    expect(() => new Shield({ strictTransportSecurity: "yes" as never })).toThrow(
      "Shield strictTransportSecurity must be true, false or",
    );
    expect(() => new Shield({ crossOriginOpenerPolicy: { policy: "same" as "same-origin" } })).toThrow();
  });

  test("HSTS from core's hstsHeader: an object's missing fields take the defaults", async () => {
    const hsts = async (strictTransportSecurity: SecurityHeaders["strictTransportSecurity"]) => {
      const app = harpia();
      app.use(shield({ strictTransportSecurity }));
      app.get("/", () => "ok");
      return (await app.request("https://example.com/")).headers.get("strict-transport-security");
    };
    expect(await hsts({ maxAge: 31536000 })).toBe("max-age=31536000; includeSubDomains");
    expect(await hsts({ preload: true })).toBe("max-age=15552000; includeSubDomains; preload");
    expect(await hsts(true)).toBe("max-age=15552000; includeSubDomains");
  });

  test("xFrameOptions accepts lower case and sends the canonical value", async () => {
    const app = harpia();
    app.use(shield({ xFrameOptions: { action: "deny" as "DENY" } }));
    app.get("/", () => "ok");
    expect((await app.request("/")).headers.get("x-frame-options")).toBe("DENY");
  });
});
