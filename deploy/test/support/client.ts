/**
 * A signed-in user of the example app, through nginx: keeps its cookies (session, CSRF visitor
 * cookie) and its CSRF token, as a browser would.
 */
export class User {
  private readonly cookies = new Map<string, string>();
  private csrfToken = "";

  constructor(
    readonly base: string,
    readonly name: string,
  ) {}

  /** The `Cookie` header this user sends. */
  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** A request with this user's cookies (and CSRF token on unsafe methods); keeps new cookies. */
  async request(pathname: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("cookie", this.cookieHeader);
    const method = (init.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD") headers.set("x-csrf-token", this.csrfToken);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    const res = await fetch(`${this.base}${pathname}`, {
      ...init,
      method,
      headers,
      body,
      redirect: "manual",
    });
    for (const cookie of res.headers.getSetCookie()) {
      const pair = cookie.split(";")[0]!;
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === "" || /max-age=0|expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Reads a fresh CSRF token (`GET /session`). */
  async refreshToken(): Promise<{ user: string | null; instance: string }> {
    const res = await this.request("/session");
    if (res.status !== 200) throw new Error(`GET /session: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { user: string | null; csrfToken: string; instance: string };
    this.csrfToken = body.csrfToken;
    return body;
  }

  /** Signs in (a new session id) and reads the token bound to it; returns the instance that did it. */
  async login(): Promise<string> {
    await this.refreshToken();
    const res = await this.request("/login", { method: "POST", json: { username: this.name } });
    if (res.status !== 200) throw new Error(`POST /login: ${res.status} ${await res.text()}`);
    const { instance } = (await res.json()) as { instance: string };
    await this.refreshToken();
    return instance;
  }
}
