import { afterAll, describe, expect, test } from "bun:test";
import harpia from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { shield } from "./index";

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

  test("req.state.nonce, typed, is the CSP header's nonce, in a handler and before any middleware", async () => {
    const typed = harpia();
    let seenByMiddleware: string | undefined;
    let mirroredInLocals: string | undefined;
    typed.use((req, res, next) => {
      seenByMiddleware = req.state.nonce;
      mirroredInLocals = res.locals.nonce;
      return next();
    });
    typed.use(shield({ useNonce: true }));
    typed.get("/", (req) => {
      const nonce: string | undefined = req.state.nonce; // typed by shield's RequestState
      return { nonce };
    });
    const res = await new TestClient(typed).get("/");
    const { nonce } = (await res.json()) as { nonce: string };
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(cspNonce(res)).toBe(nonce);
    expect(seenByMiddleware).toBe(nonce);
    expect(mirroredInLocals).toBe(nonce);
  });

  test("a handler replacing res.locals cannot lose the nonce: the header follows req.state", async () => {
    const replaced = harpia();
    replaced.use(shield({ useNonce: true }));
    replaced.get("/", (req, res) => {
      res.locals = { title: "fresh" };
      return res.html(`<script nonce="${req.state.nonce}"></script>`);
    });
    const res = await new TestClient(replaced).get("/");
    expect(await res.text()).toBe(`<script nonce="${cspNonce(res)}"></script>`);
  });

  test("only a well-formed nonce reaches the header: anything else in req.state.nonce is replaced", async () => {
    const tampered = harpia();
    tampered.use(shield({ useNonce: true }));
    tampered.get("/:value", (req) => {
      req.state.nonce = decodeURIComponent(req.params.value);
      return "ok";
    });
    for (const value of ["abc' 'unsafe-inline", "short", `${"x".repeat(30)};script-src *`]) {
      const res = await new TestClient(tampered).get(`/${encodeURIComponent(value)}`);
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain(value);
      expect(cspNonce(res)).toMatch(/^[A-Za-z0-9_-]{24}$/);
    }
    const kept = "A".repeat(22);
    const res = await new TestClient(tampered).get(`/${kept}`);
    expect(cspNonce(res)).toBe(kept);
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
