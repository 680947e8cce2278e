import { describe, expect, test } from "bun:test";
import { type Harpia, HttpError } from "@harpia/core";
import { Preset, type PresetConfig, type StepListener } from "./index";

const routes = (app: Harpia) => {
  app.get("/crash", () => {
    throw new Error("secret database detail");
  });
  app.get("/gone", () => {
    throw new HttpError(410, "This book was removed", { code: "BOOK_GONE", details: { id: 7 } });
  });
  app.post("/only-post", () => "x");
  app.get("/busy", () => {
    throw new HttpError(503, "redis at 10.0.0.7 refused", { headers: { "retry-after": "3" } });
  });
};

async function build(config: PresetConfig = {}, ...extra: [string, StepListener][]) {
  const preset = new Preset().on("start", () => false).on("configure.routes", routes);
  for (const [step, listener] of extra) preset.on(step as never, listener);
  return (await preset.createApp({ logger: false, logErrors: false, ...config })).app;
}

const ACCEPT = {
  json: { accept: "application/json" },
  html: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
  text: { accept: "text/plain" },
  none: {},
};

describe("unhandled errors", () => {
  test("server errors hide their message in every format", async () => {
    const app = await build();
    const json = await app.request("/crash", { headers: ACCEPT.json });
    expect(json.status).toBe(500);
    expect(await json.json()).toEqual({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      code: "INTERNAL_ERROR",
      detail: "Internal Server Error",
      message: "Internal Server Error",
    });
    const html = await app.request("/crash", { headers: ACCEPT.html });
    expect(html.headers.get("content-type")).toStartWith("text/html");
    const page = await html.text();
    expect(page).toContain("<h1>500</h1><p>Internal Server Error</p>"); // core's error page
    expect(page).not.toContain("secret database detail");
    expect(page).not.toContain("<pre>");
    for (const headers of [ACCEPT.text, ACCEPT.none]) {
      const text = await app.request("/crash", { headers });
      expect(text.headers.get("content-type")).toStartWith("text/plain");
      expect(await text.text()).toBe("Internal Server Error");
    }
  });

  test("a hidden message reads as its status text in every format, with the error's headers", async () => {
    const app = await build();
    const json = await app.request("/busy", { headers: ACCEPT.json });
    expect(json.status).toBe(503);
    expect(json.headers.get("retry-after")).toBe("3");
    expect(await json.json()).toEqual({
      type: "about:blank",
      title: "Service Unavailable",
      status: 503,
      code: "SERVICE_UNAVAILABLE",
      detail: "Service Unavailable",
      message: "Service Unavailable",
    });
    const page = await (await app.request("/busy", { headers: ACCEPT.html })).text();
    expect(page).toContain("<p>Service Unavailable</p>");
    expect(page).not.toContain("10.0.0.7");
    expect(await (await app.request("/busy")).text()).toBe("Service Unavailable");
  });

  test("an error's own status, message, code, details and headers are used", async () => {
    const app = await build();
    const gone = await app.request("/gone", { headers: ACCEPT.json });
    expect(gone.status).toBe(410);
    expect(await gone.json()).toEqual({
      type: "about:blank",
      title: "Gone",
      status: 410,
      code: "BOOK_GONE",
      detail: "This book was removed",
      message: "This book was removed",
      details: { id: 7 },
    });
    expect(await (await app.request("/gone")).text()).toBe("This book was removed");
    const notAllowed = await app.request("/only-post");
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.get("allow")).toContain("POST");
    expect(await (await app.request("/missing", { headers: ACCEPT.json })).json()).toMatchObject({
      status: 404,
      code: "NOT_FOUND",
    });
  });

  test("dumpExceptions adds the message and the stack trace to JSON, HTML and text", async () => {
    const app = await build({ dumpExceptions: true });
    const json = await (await app.request("/crash", { headers: ACCEPT.json })).json();
    expect(json.message).toBe("secret database detail");
    expect(json.stack.join("\n")).toContain("error-handlers.test.ts");
    const html = await (await app.request("/crash", { headers: ACCEPT.html })).text();
    expect(html).toContain("<pre>Error: secret database detail");
    const text = await (await app.request("/crash")).text();
    expect(text).toStartWith("secret database detail\n\nError: secret database detail");
  });

  test("development turns stack traces on too; dumpExceptions: false keeps them off", async () => {
    const dev = await build({ development: true });
    expect((await (await dev.request("/crash", { headers: ACCEPT.json })).json()).stack).toBeDefined();
    const quiet = await build({ development: true, dumpExceptions: false });
    const body = await (await quiet.request("/crash", { headers: ACCEPT.json })).json();
    expect(body.stack).toBeUndefined();
    expect(body.message).toBe("Internal Server Error");
  });

  test("cancelling configure.unhandledErrorHandler falls back to core's error page", async () => {
    const app = await build({}, ["configure.unhandledErrorHandler", () => false]);
    const response = await app.request("/crash");
    expect(response.headers.get("content-type")).toBe("application/problem+json"); // core's default
  });
});

describe("error handlers added in configure.errorHandlers", () => {
  test("run in order; answering stops the chain, next() passes the error on", async () => {
    const seen: string[] = [];
    const app = await build({}, [
      "configure.errorHandlers",
      (_app, _config, context) => {
        context.addErrorHandler((error, _req, _res, next) => {
          seen.push(`first:${(error as Error).message}`);
          next();
        });
        context.addErrorHandler((_error, req, res, next) => {
          seen.push("second");
          if (req.path === "/gone") return res.status(404).json({ hidden: true });
          next(new HttpError(503, "Try later", { expose: true }));
        });
      },
    ]);
    const gone = await app.request("/gone");
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ hidden: true });
    const crash = await app.request("/crash", { headers: ACCEPT.json });
    expect(crash.status).toBe(503);
    expect((await crash.json()).message).toBe("Try later");
    expect(seen).toEqual(["first:This book was removed", "second", "first:secret database detail", "second"]);
  });

  test("a handler's returned value is the answer", async () => {
    const app = await build({}, [
      "configure.errorHandlers",
      (_app, _config, { addErrorHandler }) => addErrorHandler(() => ({ handled: true })),
    ]);
    const response = await app.request("/crash");
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ handled: true });
  });
});
