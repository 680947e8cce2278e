import { describe, expect, test } from "bun:test";
import harpia, { type HarpiaResponse, HttpError } from "./index";

/** An app whose error handler and onSend hook record that they ran. */
function recordingApp(setHeader: (res: HarpiaResponse) => void) {
  const app = harpia({ logErrors: false });
  const ran = { errorHandler: [] as unknown[], onSend: 0 };
  app.setErrorHandler((error, _req, res) => {
    ran.errorHandler.push(error);
    res.status(500).json({ handled: (error as HttpError).code });
  });
  app.addHook("onSend", (_req, res) => {
    ran.onSend++;
    res.header("x-on-send", "yes");
  });
  app.get("/", (_req, res) => {
    setHeader(res);
    res.send("not sent");
  });
  return { app, ran };
}

describe("a header the response could not carry", () => {
  test.each<[string, (res: HarpiaResponse) => void]>([
    ["a value with CR/LF", (res) => res.header("x-a", "a\r\nset-cookie: admin=1")],
    ["a value with NUL", (res) => res.header("x-a", "a\0b")],
    ["a value beyond Latin-1", (res) => res.header("x-a", "€")],
    ["an invalid name", (res) => res.header("x a", "1")],
    ["an invalid name after res.headers was read", (res) => res.headers.has("x") || res.header("x:a", "1")],
    ["a content type with CR/LF", (res) => res.type("text/html\r\nx-injected: 1")],
    ["a redirect location with CR/LF", (res) => res.redirect("/next\r\nx-injected: 1")],
  ])(
    "%s: app.fetch returns a Response from the error handler, after the onSend hooks",
    async (_case, set) => {
      const { app, ran } = recordingApp(set);
      const res = await app.fetch(new Request("http://localhost/"));
      expect(res).toBeInstanceOf(Response);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ handled: "INVALID_HEADER" });
      expect(res.headers.get("x-on-send")).toBe("yes");
      expect(res.headers.get("x-injected")).toBeNull();
      expect(ran.onSend).toBe(1);
      expect(ran.errorHandler).toHaveLength(1);
      expect(ran.errorHandler[0]).toBeInstanceOf(HttpError);
      expect((ran.errorHandler[0] as HttpError).status).toBe(500);
    },
  );

  test("the error names the method and the header", async () => {
    const { app, ran } = recordingApp((res) => res.header("x-trace", "1\n2"));
    await app.fetch(new Request("http://localhost/"));
    expect((ran.errorHandler[0] as Error).message).toContain(
      'res.header(): the value of "x-trace" contains CR, LF, NUL',
    );
  });

  test("valid values are kept as they are: tabs, Latin-1, empty", async () => {
    const app = harpia();
    app.get("/", (_req, res) => {
      res.header("x-tab", "a\tb").header("x-latin", "café").header("x-empty", "");
      res.type("text/plain; charset=utf-8").send("ok");
    });
    const res = await app.fetch(new Request("http://localhost/"));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-tab")).toBe("a\tb");
    expect(res.headers.get("x-empty")).toBe("");
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });
});
