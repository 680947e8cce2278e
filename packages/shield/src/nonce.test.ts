import { afterAll, describe, expect, test } from "bun:test";
import harpia from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { getNonce, shield } from "./index";

function cspNonce(res: Response): string | undefined {
  return res.headers.get("content-security-policy")?.match(/script-src [^;]*'nonce-([^']+)'/)?.[1];
}

describe("nonces", () => {
  const app = harpia();
  app.use(shield({ useNonce: true }));
  app.get("/page/:n", async (req, res) => {
    // Interleave the requests so any shared state would show.
    await Bun.sleep(Number(req.params.n) % 7);
    return res.html(`<script nonce="${res.locals.nonce}"></script>`);
  });
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  afterAll(() => server.stop(true));

  test("50 concurrent requests each get their own nonce, in the body and the header", async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => fetch(`http://127.0.0.1:${server.port}/page/${i}`)),
    );
    const seen = new Set<string>();
    for (const res of responses) {
      const body = await res.text();
      const nonce = cspNonce(res)!;
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{24}$/); // 144 bits
      expect(body).toBe(`<script nonce="${nonce}"></script>`);
      seen.add(nonce);
    }
    expect(seen.size).toBe(50);
  });

  test("the nonce is in res.locals before any middleware or handler runs", async () => {
    const early = harpia();
    let seenByMiddleware: unknown;
    let seenByGetNonce: unknown;
    early.use((_req, res, next) => {
      seenByMiddleware = res.locals.nonce;
      seenByGetNonce = getNonce(res);
      return next();
    });
    early.use(shield({ useNonce: true }));
    early.get("/", () => "ok");
    const res = await new TestClient(early).get("/");
    expect(seenByMiddleware).toBe(cspNonce(res));
    expect(seenByGetNonce).toBe(seenByMiddleware);
  });

  test("404s and errors carry a nonce too, different each time", async () => {
    const a = await new TestClient(app).get("/missing");
    const b = await new TestClient(app).get("/missing");
    expect(a.status).toBe(404);
    expect(cspNonce(a)).toBeDefined();
    expect(cspNonce(a)).not.toBe(cspNonce(b));
  });

  test("without useNonce there is no nonce and the policy is fixed", async () => {
    const plain = harpia();
    plain.use(shield());
    plain.get("/", (_req, res) => ({ nonce: res.locals.nonce ?? null }));
    const first = await new TestClient(plain).get("/");
    const second = await new TestClient(plain).get("/");
    expect(await first.json()).toEqual({ nonce: null });
    expect(first.headers.get("content-security-policy")).toBe(second.headers.get("content-security-policy"));
    expect(first.headers.get("content-security-policy")).not.toContain("nonce");
  });
});
