import { afterAll, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import { createHarpiaApp } from "../src/app";

// The app without a server: the test client sends requests through app.fetch.
const { app, close } = await createHarpiaApp({ listen: false, logger: false });
afterAll(() => close());

/** The CSRF token of the form in a page. */
function csrfToken(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (token === undefined) throw new Error("no CSRF token in the page");
  return token;
}

test("the home page renders, with security headers and a request id", async () => {
  const response = await new TestClient(app).get("/").execute();
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/html");
  const html = await response.text();
  expect(html).toContain("<h1>Hello from Harpia</h1>");
  expect(html).toContain('href="/login"');
  // The inline style carries the nonce of this response's Content-Security-Policy.
  const nonce = /<style nonce="([^"]+)">/.exec(html)?.[1];
  expect(nonce).toBeDefined();
  expect(response.headers.get("content-security-policy")).toContain(`'nonce-${nonce}'`);
  expect(response.headers.get("x-request-id")).toBeTruthy();
});

test("logging in and out, with CSRF-protected forms", async () => {
  const client = new TestClient(app, { cookies: true });
  const token = csrfToken(await (await client.get("/login").execute()).text());
  const form = (fields: Record<string, string>) =>
    client.post("/login").send(new URLSearchParams(fields)).execute();

  // A form without its token is refused, whatever it says.
  expect((await form({ username: "demo", password: "harpia" })).status).toBe(403);

  const wrong = await form({ _csrf: token, username: "demo", password: "wrong" });
  expect(wrong.status).toBe(401);
  expect(await wrong.text()).toContain("Wrong username or password");

  const login = await form({ _csrf: token, username: "demo", password: "harpia" });
  expect(login.status).toBe(303);
  expect(login.headers.get("location")).toBe("/");

  const home = await (await client.get("/").execute()).text();
  expect(home).toContain("You are logged in as <strong>demo</strong>");

  const logout = await client
    .post("/logout")
    .send(new URLSearchParams({ _csrf: csrfToken(home) }))
    .execute();
  expect(logout.status).toBe(303);
  expect(await (await client.get("/").execute()).text()).toContain("You are browsing as a visitor");
});

test("the JSON API answers, and refuses a bad name with 400", async () => {
  const hello = await new TestClient(app).get("/api/hello").query("name", "Ada").execute();
  expect(hello.status).toBe(200);
  expect(await hello.json()).toMatchObject({ message: "Hello, Ada!" });

  const tooLong = await new TestClient(app).get("/api/hello").query("name", "x".repeat(51)).execute();
  expect(tooLong.status).toBe(400);
});

test("the health probes answer", async () => {
  const live = await new TestClient(app).get("/healthz").execute();
  expect(live.status).toBe(200);
  expect(await live.json()).toEqual({ status: "ok" });
});
