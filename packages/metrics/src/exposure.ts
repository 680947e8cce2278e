import { type Harpia, type HarpiaRequest, type HarpiaResponse, HttpError } from "@harpia/core";
import { safeEqual } from "@harpia/core/utils";
import type { Registry } from "prom-client";
import type { MetricsGuard } from "./options";

/** Who may read the metrics. */
export interface Access {
  readonly token: string | undefined;
  readonly guard: MetricsGuard | undefined;
  /**
   * Served without a token or guard on the app itself: allowed only while the app is in
   * development mode (checked per scrape, as `listen({ development })` may change it).
   */
  readonly developmentOnly: Harpia | undefined;
}

/** `Authorization: Bearer <token>`: the token, or `undefined` for any other form. */
function bearerToken(req: HarpiaRequest<any>): string | undefined {
  const header = req.headers.get("authorization");
  if (header === null || header.length < 8) return undefined;
  if (header.slice(0, 7).toLowerCase() !== "bearer ") return undefined;
  return header.slice(7).trim();
}

function unauthorized(given: string | undefined): HttpError {
  const challenge =
    given === undefined ? 'Bearer realm="metrics"' : 'Bearer realm="metrics", error="invalid_token"';
  return new HttpError(401, "A valid metrics token is required (Authorization: Bearer <token>)", {
    code: "UNAUTHORIZED",
    headers: { "www-authenticate": challenge },
  });
}

/** Throws the `401`/`403` answer unless `req` may read the metrics. */
async function checkAccess(access: Access, req: HarpiaRequest<any>): Promise<void> {
  if (access.developmentOnly !== undefined && !access.developmentOnly.development)
    throw new HttpError(403, "Metrics without a token or guard are served in development only", {
      code: "FORBIDDEN",
    });
  if (access.token !== undefined) {
    const given = bearerToken(req);
    if (given === undefined || !safeEqual(given, access.token)) throw unauthorized(given);
  }
  if (access.guard !== undefined && (await access.guard(req)) !== true)
    throw new HttpError(403, "This client may not read the metrics", { code: "FORBIDDEN" });
}

/**
 * The scrape route: checks access, then answers the registry's text exposition format, never
 * cached.
 */
export function scrapeHandler(registry: Registry, access: Access) {
  return async (req: HarpiaRequest<any>, res: HarpiaResponse): Promise<void> => {
    await checkAccess(access, req);
    const text = await registry.metrics();
    res.type(registry.contentType).header("cache-control", "no-store").send(text);
  };
}
