import type { HarpiaRequest, HarpiaResponse } from "@harpia/core";
import { isBrowserId, newBrowserId, type TokenSigner } from "./csrf-signed";

/**
 * The CSRF cookie of a visitor without a session (the "signed double-submit cookie" pattern):
 * a random browser id, to which that visitor's tokens are bound. Its value is `<id>`, or
 * `<id>.<link>` once a session was created from this browser: the link (signed, expiring)
 * says "session S was born here", so tokens the browser got before S existed keep working
 * in its other tabs. A session id given at login (`regenerate()`) is never linked.
 */
export interface BrowserCookie {
  /** The browser id, when the request carries a well-formed cookie. */
  id: string | undefined;
  /** The signed link part, when there is one. */
  link: string | undefined;
}

/** Reads the CSRF cookie. A malformed value counts as none. */
export function readBrowserCookie(req: HarpiaRequest<any>, name: string): BrowserCookie {
  const value = req.cookies.get(name);
  if (value === undefined) return { id: undefined, link: undefined };
  const dot = value.indexOf(".");
  const id = dot < 0 ? value : value.slice(0, dot);
  if (!isBrowserId(id)) return { id: undefined, link: undefined };
  return { id, link: dot < 0 ? undefined : value.slice(dot + 1) };
}

function linkBinding(browserId: string, sessionId: string): string {
  // The browser id has a fixed length, so this reads one way only.
  return `l:${browserId}:${sessionId}`;
}

/** Sets the CSRF cookie: `HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` over HTTPS, for the browser session. */
export function setBrowserCookie(
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  name: string,
  value: string,
): void {
  res.cookies.set(name, value, { httpOnly: true, sameSite: "Lax", path: "/", secure: req.secure });
}

/** A new browser id, set in the response's cookie. */
export function issueBrowserId(req: HarpiaRequest<any>, res: HarpiaResponse, name: string): string {
  const id = newBrowserId();
  setBrowserCookie(req, res, name, id);
  return id;
}

/** Records in the cookie that `sessionId` was created from this browser (valid `ttlMs`). */
export function linkSession(
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  name: string,
  signer: TokenSigner,
  browserId: string,
  sessionId: string,
  ttlMs: number,
): void {
  const link = signer.issue(linkBinding(browserId, sessionId), ttlMs);
  setBrowserCookie(req, res, name, `${browserId}.${link}`);
}

/** Whether the cookie says `sessionId` was created from this browser, within the token lifetime. */
export function isLinked(signer: TokenSigner, cookie: BrowserCookie, sessionId: string): boolean {
  return (
    cookie.id !== undefined &&
    cookie.link !== undefined &&
    signer.verify(linkBinding(cookie.id, sessionId), cookie.link)
  );
}
