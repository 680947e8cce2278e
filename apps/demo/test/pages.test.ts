import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import { DEVELOPMENT_TELEMETRY_TOKEN } from "../src/settings";
import { startDemo } from "./support/demo";
import { csrfTokenOf, form } from "./support/forms";

type StartedDemo = Awaited<ReturnType<typeof startDemo>>;

let demo: StartedDemo;
beforeAll(async () => {
  demo = await startDemo({ loginLimit: { max: 5, windowSeconds: 60 } });
});
afterAll(() => demo.cleanup());

const HTML = { accept: "text/html" };

/** A browser-like client: keeps cookies, asks for HTML. */
function browser(ip = "10.0.0.1"): TestClient & { page(path: string): Promise<string> } {
  const client = new TestClient(demo.app, { cookies: true });
  return Object.assign(client, {
    async page(path: string) {
      const res = await client.get(path).set("accept", "text/html").ip(ip).execute();
      expect(res.status).toBe(200);
      return res.text();
    },
  });
}

let signups = 0;

/** Signs up through the form (GET for the token, POST the form) and returns the client. */
async function signUp(username: string, password = "correct horse battery") {
  const client = browser();
  const token = csrfTokenOf(await client.page("/signup"));
  const res = await client
    .post("/signup")
    .set("accept", "text/html")
    .ip(`10.1.${signups >> 8}.${signups++ & 255}`)
    .send(form({ _csrf: token, username, password }))
    .execute();
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/account");
  return client;
}

describe("pages", () => {
  test("the home page: layout, components, loops, and a CSP nonce shared by header and inline script", async () => {
    const res = await new TestClient(demo.app).get("/").set("accept", "text/html").execute();
    const html = await res.text();
    const csp = res.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain("<title>Home · Harpia demo</title>"); // the layout
    expect(html).toContain('href="/signup"'); // the nav component, signed out
    expect(html.match(/class="card"/g)?.length).toBe(11); // a @for over the packages
    expect(html).toContain("<cite>The Pragmatic Programmer</cite>"); // a @for over the books
    expect(csp).not.toContain("unsafe-inline");
  });

  test("two responses never share a nonce", async () => {
    const nonces = await Promise.all(
      [1, 2, 3].map(async () => {
        const res = await demo.app.request("/", { headers: HTML });
        return /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy")!)?.[1];
      }),
    );
    expect(new Set(nonces).size).toBe(3);
  });

  test("pages are compressed for clients that accept it", async () => {
    const res = await demo.app.request("/", { headers: { ...HTML, "accept-encoding": "gzip" } });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("vary")).toContain("Accept-Encoding");
  });

  test("static assets: served with validators, without the dynamic no-cache headers, 304 when unchanged", async () => {
    const css = await demo.app.request("/css/app.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css;charset=utf-8");
    expect(css.headers.get("pragma")).toBeNull();
    const etag = css.headers.get("etag")!;
    expect((await demo.app.request("/css/app.css", { headers: { "if-none-match": etag } })).status).toBe(304);
    const icon = await demo.app.request("/favicon.ico");
    expect(icon.headers.get("content-type")).toBe("image/x-icon");
  });

  test("an unknown page gets the site's 404 page for browsers", async () => {
    const res = await demo.app.request("/no/such/page", { headers: HTML });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("<title>404 Not Found · Harpia demo</title>");
    expect(html).toContain("Cannot GET /no/such/page");
  });
});

describe("sign up, log in, log out", () => {
  test("a form posted without its CSRF token is refused with 403", async () => {
    const client = browser();
    await client.page("/signup");
    const res = await client
      .post("/signup")
      .set("accept", "text/html")
      .send(form({ username: "mallory", password: "12345678910" }))
      .execute();
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("403");
    const wrong = await client
      .post("/signup")
      .send(form({ _csrf: "x".repeat(43), username: "mallory", password: "12345678910" }))
      .execute();
    expect(wrong.status).toBe(403);
  });

  test("sign-up gives a new session id (no fixation) and the account page shows the user", async () => {
    const client = browser();
    // A session id planted before sign-up (fixation) is not the one the account gets.
    const planted = "planted-session-id-0123456789";
    const page = await client.get("/signup").cookie("harpia_demo_sid", planted).execute();
    const token = csrfTokenOf(await page.text());
    // Viewing the form creates no session: its token is tied to the browser's csrf_id cookie.
    expect(client.cookies.csrf_id).toBeDefined();
    expect(client.cookies.harpia_demo_sid).toBeUndefined();
    await client
      .post("/signup")
      .cookie("harpia_demo_sid", planted)
      .send(form({ _csrf: token, username: "Grace", password: "correct horse battery" }))
      .execute();
    const id = client.cookies.harpia_demo_sid;
    expect(id).toBeDefined();
    expect(id).not.toBe(planted);
    expect(await demo.services.stores.sessions.has(`sess:${id}`)).toBe(true);
    const account = await client.page("/account");
    expect(account).toContain('<h1 data-testid="username">grace</h1>');
    const me = await (await client.get("/api/me").execute()).json();
    expect(me.user).toMatchObject({ username: "grace", avatarUrl: null });
    expect(me.user.passwordHash).toBeUndefined();
  });

  test("bad sign-ups are answered on the form: invalid fields 422, a taken name 409", async () => {
    await signUp("taken-name");
    const client = browser();
    const token = csrfTokenOf(await client.page("/signup"));
    const invalid = await client
      .post("/signup")
      .send(form({ _csrf: token, username: "a b", password: "short" }))
      .execute();
    expect(invalid.status).toBe(422);
    const page = await invalid.text();
    expect(page).toContain("3 to 32 characters");
    expect(page).toContain("8 to 200 characters");
    const taken = await client
      .post("/signup")
      .send(form({ _csrf: token, username: "Taken-Name", password: "another password" }))
      .execute();
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("This name is taken");
  });

  test("log out, then log in again; a wrong password is a 401 on the form", async () => {
    const client = await signUp("linus");
    const token = csrfTokenOf(await client.page("/account"));
    const out = await client
      .post("/logout")
      .send(form({ _csrf: token }))
      .execute();
    expect(out.status).toBe(303);
    const guarded = await client.get("/account").execute();
    expect(guarded.status).toBe(303);
    expect(guarded.headers.get("location")).toBe("/login?next=%2Faccount");

    const loginPage = await client.page("/login?next=/account");
    const loginToken = csrfTokenOf(loginPage);
    const wrong = await client
      .post("/login")
      .send(form({ _csrf: loginToken, username: "linus", password: "not the password" }))
      .execute();
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("Wrong username or password");
    const right = await client
      .post("/login")
      .send(
        form({ _csrf: loginToken, username: "LINUS", password: "correct horse battery", next: "/account" }),
      )
      .execute();
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe("/account");
    expect(await client.page("/account")).toContain("linus");
  });

  test("the login redirect never leaves the site", async () => {
    await signUp("redirects");
    const loginWith = async (next: string) => {
      const client = browser();
      const token = csrfTokenOf(await client.page("/login"));
      const res = await client
        .post("/login")
        .send(form({ _csrf: token, username: "redirects", password: "correct horse battery", next }))
        .execute();
      expect(res.status).toBe(303);
      return res.headers.get("location");
    };
    // Each of these would take a browser to another site (browsers drop the tab and newline, and
    // read a backslash as a slash).
    for (const next of [
      "//evil.example",
      "/\t/evil.example/",
      "/\n/evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "/.//evil.example",
      "https://evil.example",
      "javascript:alert(document.cookie)",
    ]) {
      expect({ next, location: await loginWith(next) }).toEqual({ next, location: "/account" });
    }
    // Escaped forms stay escaped, so they stay on the site.
    expect(await loginWith("/%09/evil.example")).toBe("/%09/evil.example");
    expect(await loginWith("/account?tab=notes#top")).toBe("/account?tab=notes#top");
  });

  test("repeated failed logins from one address get 429; successful logins do not count", async () => {
    await signUp("limited");
    const fromAddress = async () => {
      const client = browser("10.9.9.9");
      const token = csrfTokenOf(await client.page("/login"));
      return (password: string) =>
        client
          .post("/login")
          .ip("10.9.9.9")
          .send(form({ _csrf: token, username: "limited", password }))
          .execute();
    };
    const attacker = await fromAddress();
    for (let i = 0; i < 4; i++) expect((await attacker("wrong password")).status).toBe(401);
    // Someone else behind the same address signs in: given back, it leaves the 5th failure.
    expect((await (await fromAddress())("correct horse battery")).status).toBe(303);
    const fifth = await attacker("wrong password");
    expect(fifth.status).toBe(401);
    expect(fifth.headers.get("ratelimit-policy")).toBe('"login";q=5;w=60');
    expect(fifth.headers.get("ratelimit")).toMatch(/^"login";r=0;t=\d+$/);
    const limited = await attacker("correct horse battery");
    expect(limited.status).toBe(429);
    // The sliding window: 6 counted weigh on the next window too, so the wait can pass 60 s.
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(limited.headers.get("ratelimit")).toBe(`"login";r=0;t=${retryAfter}`);
  });
});

describe("notes: a form to add, a DELETE form (method override) to remove", () => {
  test("add a note, see it escaped, delete it", async () => {
    const client = await signUp("noter");
    let token = csrfTokenOf(await client.page("/account"));
    const added = await client
      .post("/notes")
      .send(form({ _csrf: token, text: "<script>alert(1)</script> buy milk" }))
      .execute();
    expect(added.status).toBe(303);
    const page = await client.page("/account");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt; buy milk");
    expect(page).not.toContain("<script>alert(1)");
    const noteId = /action="\/notes\/([^"]+)"/.exec(page)![1]!;
    token = csrfTokenOf(page);

    const noToken = await client
      .post(`/notes/${noteId}`)
      .send(form({ _method: "DELETE" }))
      .execute();
    expect(noToken.status).toBe(403);
    const deleted = await client
      .post(`/notes/${noteId}`)
      .send(form({ _method: "DELETE", _csrf: token }))
      .execute();
    expect(deleted.status).toBe(303);
    expect(await client.page("/account")).toContain('data-testid="no-notes"');
  });

  test("an empty note is a 422 on the page; another user's note cannot be deleted (404)", async () => {
    const owner = await signUp("owner");
    const ownerToken = csrfTokenOf(await owner.page("/account"));
    await owner
      .post("/notes")
      .send(form({ _csrf: ownerToken, text: "mine" }))
      .execute();
    const noteId = /action="\/notes\/([^"]+)"/.exec(await owner.page("/account"))![1]!;
    const empty = await owner
      .post("/notes")
      .send(form({ _csrf: ownerToken, text: "   " }))
      .execute();
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("Write something first");

    const other = await signUp("intruder");
    const token = csrfTokenOf(await other.page("/account"));
    const res = await other
      .post(`/notes/${noteId}`)
      .set("accept", "application/json")
      .send(form({ _method: "DELETE", _csrf: token }))
      .execute();
    expect(res.status).toBe(404);
    expect(await owner.page("/account")).toContain("mine");
  });

  test("signed-out visitors cannot post notes (401)", async () => {
    const client = browser();
    const token = csrfTokenOf(await client.page("/login"));
    const res = await client
      .post("/notes")
      .set("accept", "application/json")
      .send(form({ _csrf: token, text: "hi" }))
      .execute();
    expect(res.status).toBe(401);
  });

  test("deleting the account (a DELETE form) removes it: logging in fails afterwards", async () => {
    const client = await signUp("leaver");
    const token = csrfTokenOf(await client.page("/account"));
    const res = await client
      .post("/account")
      .send(form({ _method: "DELETE", _csrf: token }))
      .execute();
    expect(res.status).toBe(303);
    expect(await (await client.get("/api/me").execute()).json()).toMatchObject({ user: null });
    expect(await demo.services.users.find("leaver")).toBeUndefined();
  });
});

describe("telemetry dashboard", () => {
  test("needs the token; a ?token= visit becomes a cookie; then the page is served", async () => {
    const client = new TestClient(demo.app, { cookies: true });
    expect((await client.get("/admin/telemetry").set("accept", "text/html").execute()).status).toBe(401);
    const wrong = await client.get("/admin/telemetry").query("token", "nope-nope-nope").execute();
    expect(wrong.status).toBe(401);
    const exchange = await client
      .get("/admin/telemetry")
      .query("token", DEVELOPMENT_TELEMETRY_TOKEN)
      .execute();
    expect(exchange.status).toBe(303);
    expect(exchange.headers.get("location")).toBe("/admin/telemetry");
    const page = await client.get("/admin/telemetry").set("accept", "text/html").execute();
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="daily"');
    const json = await client.get("/admin/telemetry").query("format", "json").execute();
    expect((await json.json()).daily.length).toBeGreaterThan(0);
  });
});
