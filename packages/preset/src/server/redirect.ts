/** Characters a host name (or bracketed IPv6 literal) may hold; anything else is refused. */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])$/i;

/** The host of a `Host` header without its port; `undefined` when missing or malformed. */
export function hostOf(header: string | null): string | undefined {
  if (!header) return undefined;
  const host = header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : header.split(":")[0]!;
  return HOST.test(host) ? host.toLowerCase() : undefined;
}

/** Where the plain-HTTP server sends clients. */
export interface RedirectTarget {
  /** A fixed public origin (`https://example.com`), when configured. */
  publicUrl: URL | undefined;
  /** The HTTPS server's port, used with the request's host otherwise. */
  httpsPort: number;
}

/**
 * The plain-HTTP server's answer: GET and HEAD are redirected (301) to the same path and query
 * over HTTPS; every other method gets 404, so nothing is ever processed in clear text.
 */
export function redirectToHttps(request: Request, target: RedirectTarget): Response {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return plain(404, "Not Found: this server only redirects to HTTPS");
  }
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    // Bun builds the URL from the Host header; a malformed one leaves no URL to redirect to.
    return plain(400, "Bad Request: missing or invalid Host header");
  }
  let origin: string;
  if (target.publicUrl !== undefined) {
    origin = target.publicUrl.origin;
  } else {
    const host = hostOf(request.headers.get("host")) ?? hostOf(url.host);
    if (host === undefined) return plain(400, "Bad Request: missing or invalid Host header");
    origin = `https://${host}${target.httpsPort === 443 ? "" : `:${target.httpsPort}`}`;
  }
  return new Response(null, { status: 301, headers: { location: `${origin}${url.pathname}${url.search}` } });
}

function plain(status: number, message: string): Response {
  return new Response(message, { status, headers: { "content-type": "text/plain;charset=utf-8" } });
}
