import { afterEach, describe, expect, spyOn, test } from "bun:test";
import { join } from "node:path";
import { harpia, serveStatic } from "../index";
import type { StaticOptions } from "./serve-static";

const PUBLIC = join(import.meta.dir, "../../fixtures/static/public");

/** Registers a mount with `options`; returns the error it threw. */
function registrationError(options: Record<string, unknown>): Error | undefined {
  try {
    harpia().static(PUBLIC, options as StaticOptions);
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe("static options are checked at registration", () => {
  const bad: Array<[string, Record<string, unknown>]> = [
    ["setHeaders", { setHeaders: 3 }],
    ["index", { index: 3 }],
    ["index", { index: true }],
    ["index", { index: ["index.html", ""] }],
    ["extensions", { extensions: "html" }],
    ["extensions", { extensions: ["html", 1] }],
    ["extensions", { extensions: ["../html"] }],
    ["dotfiles", { dotfiles: "sometimes" }],
    ["fallthrough", { fallthrough: "no" }],
    ["redirect", { redirect: 1 }],
    ["prefix", { prefix: 3 }],
    ["prefix", { prefix: "/files/:name" }],
    ["prefix", { prefix: "/assets/*" }],
    ["prefix", { prefix: "/a/../b" }],
    ["prefix", { prefix: "/a?b" }],
    ["precompressed", { precompressed: "br" }],
    ["precompressed", { precompressed: ["deflate"] }],
    ["statCache", { statCache: true }],
    ["statCache", { statCache: { maxEntries: 0 } }],
    ["statCache", { statCache: { ttlSeconds: "5" } }],
    ["etag", { etag: "yes" }],
    ["lastModified", { lastModified: 0 }],
    ["acceptRanges", { acceptRanges: "bytes" }],
    ["immutable", { immutable: 1 }],
    ["cacheControl", { cacheControl: 5 }],
    ["cacheControl", { cacheControl: "no-cache\r\nx-injected: 1" }],
    ["maxAge", { maxAge: Number.NaN }],
    ["maxAge", { maxAge: -1 }],
    ["maxAge", { maxAge: Number.POSITIVE_INFINITY }],
    ["maxAge", { maxAge: "100" }],
    ["maxAge", { maxAge: "soon" }],
    ["maxAge", { maxAge: "-1d" }],
    ["maxAge", { maxAge: true }],
    ["maxAge", { maxAge: null }],
  ];
  for (const [option, options] of bad) {
    test(`${option}: ${JSON.stringify(options[option]) ?? String(options[option])} is a TypeError naming it`, () => {
      const error = registrationError(options);
      expect(error).toBeInstanceOf(TypeError);
      expect(error!.message).toContain(option);
    });
  }

  test("good values are accepted", () => {
    for (const options of [
      { index: "home.html" },
      { index: ["index.html", "index.htm"] },
      { index: false },
      { extensions: [".html", "htm"] },
      { prefix: "assets/" },
      { prefix: "/static/v1.2" },
      { precompressed: ["br"] },
      { statCache: false },
      { statCache: { maxEntries: 10, ttlSeconds: 0.5 } },
      { cacheControl: "no-cache" },
      { maxAge: 0 },
      { maxAge: "1 day" },
      { setHeaders: () => {} },
    ] as StaticOptions[]) {
      expect(registrationError(options as Record<string, unknown>)).toBeUndefined();
    }
  });

  test("serveStatic() checks the same options", () => {
    expect(() => serveStatic(PUBLIC, { setHeaders: 3 as never })).toThrow(/setHeaders/);
  });
});

describe("maxAge is in seconds, or a duration string", () => {
  const cacheControl = async (maxAge: StaticOptions["maxAge"]) => {
    const app = harpia();
    app.static(PUBLIC, { maxAge });
    return (await app.request("/hello.txt")).headers.get("cache-control");
  };

  test("numbers are seconds; strings take a unit, short or long", async () => {
    expect(await cacheControl(600)).toBe("public, max-age=600");
    expect(await cacheControl("10s")).toBe("public, max-age=10");
    expect(await cacheControl("30m")).toBe("public, max-age=1800");
    expect(await cacheControl("2h")).toBe("public, max-age=7200");
    expect(await cacheControl("1d")).toBe("public, max-age=86400");
    expect(await cacheControl("7 days")).toBe("public, max-age=604800");
    expect(await cacheControl("1.5 hours")).toBe("public, max-age=5400");
    expect(await cacheControl("1y")).toBe("public, max-age=31536000");
  });

  test("Cache-Control never says more than a year", async () => {
    expect(await cacheControl("5y")).toBe("public, max-age=31536000");
    expect(await cacheControl(10 * 31_536_000)).toBe("public, max-age=31536000");
  });

  describe("a number that looks like milliseconds", () => {
    let warn: ReturnType<typeof spyOn> | undefined;
    afterEach(() => warn?.mockRestore());

    test("is warned about once per mount, in development", async () => {
      warn = spyOn(console, "warn").mockImplementation(() => {});
      const app = harpia({ development: true });
      app.static(PUBLIC, { maxAge: 86_400_000 });
      await app.request("/hello.txt");
      await app.request("/hello.txt");
      const about = warn.mock.calls.filter((call: unknown[]) => String(call[0]).includes("maxAge"));
      expect(about).toHaveLength(1);
      expect(String(about[0]![0])).toContain("milliseconds");
      expect(String(about[0]![0])).toContain('"1d"');
    });

    test("is not warned about in production, nor for seconds or duration strings", async () => {
      warn = spyOn(console, "warn").mockImplementation(() => {});
      const production = harpia();
      production.static(PUBLIC, { maxAge: 86_400_000 });
      await production.request("/hello.txt");
      const development = harpia({ development: true });
      development.static(PUBLIC, { maxAge: 86_400 });
      development.static(PUBLIC, { prefix: "/year", maxAge: 31_536_000 });
      development.static(PUBLIC, { prefix: "/string", maxAge: "1d" });
      for (const path of ["/hello.txt", "/year/hello.txt", "/string/hello.txt"])
        await development.request(path);
      expect(warn.mock.calls.filter((call: unknown[]) => String(call[0]).includes("maxAge"))).toHaveLength(0);
    });
  });
});
