/**
 * The smallest runtime behind the (A) prototypes: routes registered by method + path, bodies
 * validated with their Standard Schema, handlers' return values answered as JSON. It exists so the
 * prototypes are real code; only their types are measured.
 */
import type { StandardSchemaV1 } from "./standard-schema";

/** What a handler receives. */
export interface Req<Params, Body> {
  params: Params;
  body: Body;
  raw: Request;
}

interface Registered {
  method: string;
  parts: string[];
  body?: StandardSchemaV1;
  handler: (req: Req<any, any>) => unknown;
}

/** The untyped app every (A) variation casts to its own type. */
export class RuntimeApp {
  readonly #routes: Registered[] = [];

  /** Registers a route (the typed apps around it give themselves a new type per route). */
  add(
    method: string,
    path: string,
    body: StandardSchemaV1 | undefined,
    handler: Registered["handler"],
  ): void {
    this.#routes.push({ method, parts: path.split("/"), body, handler });
  }

  /** Answers a request: 404 when no route matches, 400 when the body is invalid. */
  fetch = async (raw: Request): Promise<Response> => {
    const parts = new URL(raw.url).pathname.split("/");
    for (const route of this.#routes) {
      if (route.method !== raw.method || route.parts.length !== parts.length) continue;
      const params: Record<string, string> = Object.create(null);
      let match = true;
      route.parts.forEach((p, i) => {
        if (p.startsWith(":")) params[p.slice(1)] = decodeURIComponent(parts[i]!);
        else if (p !== parts[i]) match = false;
      });
      if (!match) continue;
      let body: unknown;
      if (route.body) {
        const result = await route.body["~standard"].validate(await raw.json().catch(() => undefined));
        if (result.issues) return Response.json({ issues: result.issues }, { status: 400 });
        body = result.value;
      }
      return Response.json(await route.handler({ params, body, raw }));
    }
    return Response.json({ error: "Not Found" }, { status: 404 });
  };
}
