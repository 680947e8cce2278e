/**
 * Sessions by hand, for the raw Bun baseline: a random id in a signed cookie (HMAC-SHA256 of
 * `name=value`, checked in constant time), the data in a `Map` with a sliding expiry. The same
 * work as `@harpia/session` on a memory store, without a framework.
 */
import { timingSafeEqual } from "node:crypto";
import { COOKIE_SECRET, SESSION_COOKIE, SESSION_TTL, VIEWER } from "../../real-app";

interface Entry {
  data: Record<string, unknown>;
  expires: number;
}

const sessions = new Map<string, Entry>();

const mac = (value: string) =>
  new Bun.CryptoHasher("sha256", COOKIE_SECRET).update(`${SESSION_COOKIE}=${value}`).digest("base64url");

/** The verified session id of a signed cookie value (`s:<id>.<mac>`), or `undefined`. */
function unsign(signed: string | null | undefined): string | undefined {
  if (!signed?.startsWith("s:")) return undefined;
  const dot = signed.lastIndexOf(".");
  if (dot < 2) return undefined;
  const id = signed.slice(2, dot);
  const given = Buffer.from(signed.slice(dot + 1));
  const expected = Buffer.from(mac(id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}

/** `GET /login`: a new session holding {@link VIEWER}, and its cookie. */
export function login(): Response {
  const id = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
  sessions.set(id, { data: { ...VIEWER }, expires: Date.now() + SESSION_TTL * 1000 });
  const cookie = `${SESSION_COOKIE}=${encodeURIComponent(`s:${id}.${mac(id)}`)}; Path=/; HttpOnly; SameSite=Lax`;
  return new Response("ok", { headers: { "set-cookie": cookie } });
}

/** The request's session data (sliding its expiry), or `undefined`. */
export function readSession(req: Bun.BunRequest): Record<string, unknown> | undefined {
  const id = unsign(req.cookies.get(SESSION_COOKIE));
  if (id === undefined) return undefined;
  const entry = sessions.get(id);
  if (entry === undefined) return undefined;
  const now = Date.now();
  if (entry.expires <= now) {
    sessions.delete(id);
    return undefined;
  }
  entry.expires = now + SESSION_TTL * 1000;
  return entry.data;
}
