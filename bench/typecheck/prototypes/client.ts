/**
 * The typed fetch client both approaches share. It reads a flat route map:
 *
 *   interface Routes {
 *     "GET /users/:id": { input: { params: { id: string } }; output: User };
 *     "POST /users": { input: { body: NewUser }; output: User };
 *   }
 *
 * (A) builds that map from the app's type (`client<typeof app>`); (B) reads one a generator wrote
 * (`createClient<Routes>`). Calls look the same either way: `api.get("/users/:id", { params })`.
 */

/** One route's entry in the map. */
export interface RouteEntry {
  input: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown };
  output: unknown;
}

type PathOf<Routes, M extends string> = keyof Routes extends infer K
  ? K extends `${M} ${infer P}`
    ? P
    : never
  : never;

type At<Routes, K> = K extends keyof Routes ? Routes[K] : never;

/** The input argument: optional when every field of the route's input is. */
type Args<Entry> = Entry extends { input: infer I } ? ({} extends I ? [input?: I] : [input: I]) : [];

type Output<Entry> = Entry extends { output: infer O } ? O : unknown;

/** A client over a route map. Methods resolve to the parsed JSON answer and throw on non-2xx. */
export interface Client<Routes> {
  get<P extends PathOf<Routes, "GET">>(
    path: P,
    ...args: Args<At<Routes, `GET ${P}`>>
  ): Promise<Output<At<Routes, `GET ${P}`>>>;
  post<P extends PathOf<Routes, "POST">>(
    path: P,
    ...args: Args<At<Routes, `POST ${P}`>>
  ): Promise<Output<At<Routes, `POST ${P}`>>>;
  /** Any route by its `"METHOD /path"` key: the cheapest form to type-check. */
  call<K extends keyof Routes & string>(key: K, ...args: Args<Routes[K]>): Promise<Output<Routes[K]>>;
}

/** An answer outside 2xx. */
export class ClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Makes a client for `baseUrl` typed by `Routes`. */
export function createClient<Routes>(baseUrl: string, init: RequestInit = {}): Client<Routes> {
  const send = async (method: string, path: string, input: RouteEntry["input"] = {}) => {
    const filled = path.replace(/:(\w+)/g, (_, name: string) =>
      encodeURIComponent(input.params?.[name] ?? ""),
    );
    const url = new URL(filled, baseUrl);
    for (const [k, v] of Object.entries(input.query ?? {})) url.searchParams.set(k, v);
    const headers = new Headers(init.headers);
    if (input.body !== undefined) headers.set("content-type", "application/json");
    const res = await fetch(url, {
      ...init,
      method,
      headers,
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
    });
    const body = res.headers.get("content-type")?.includes("json") ? await res.json() : await res.text();
    if (!res.ok) throw new ClientError(res.status, body);
    return body;
  };
  return {
    get: (path: string, input?: RouteEntry["input"]) => send("GET", path, input),
    post: (path: string, input?: RouteEntry["input"]) => send("POST", path, input),
    call: (key: string, input?: RouteEntry["input"]) => {
      const space = key.indexOf(" ");
      return send(key.slice(0, space), key.slice(space + 1), input);
    },
  } as Client<Routes>;
}
