import { describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import harpia, { HttpError, logger } from "./index";

function appWith(options: Parameters<typeof logger>[0]) {
  const lines: string[] = [];
  const app = harpia({ logErrors: false });
  app.use(logger({ ...options, write: (line) => lines.push(line) }));
  app.get("/books", () => "ok");
  app.get("/fail", () => {
    throw new HttpError(418, "teapot");
  });
  app.get("/health", () => "up");
  return { app, lines, client: new TestClient(app) };
}

describe("logger", () => {
  test("dev format: method, path, final status and duration", async () => {
    const { client, lines } = appWith({ colors: false });
    await client.get("/books").execute();
    await client.get("/fail").execute();
    await client.get("/nowhere").execute();
    expect(lines[0]).toMatch(/^GET \/books 200 \d+\.\dms$/);
    expect(lines[1]).toMatch(/^GET \/fail 418 \d+\.\dms$/);
    expect(lines[2]).toMatch(/^GET \/nowhere 404 /);
  });

  test("colours the status on a TTY", async () => {
    const { client, lines } = appWith({ colors: true });
    await client.get("/fail").execute();
    expect(lines[0]).toContain("\x1b[33m418\x1b[0m");
  });

  test("combined format is the Apache access-log line", async () => {
    const { client, lines } = appWith({ format: "combined" });
    await client
      .get("/books?x=1")
      .ip("192.0.2.7")
      .set("referer", "https://ref.example/")
      .set("user-agent", 'curl/8 "q"')
      .execute();
    expect(lines[0]).toMatch(
      /^192\.0\.2\.7 - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/books\?x=1 HTTP\/1\.1" 200 2 "https:\/\/ref\.example\/" "curl\/8 \\"q\\""$/,
    );
  });

  test("skips chosen paths", async () => {
    const { client, lines } = appWith({ skip: ["/health"], colors: false });
    await client.get("/health").execute();
    await client.get("/books").execute();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStartWith("GET /books 200");
  });
});
