import { HttpError } from "@harpia/core";
import { normalizeIp } from "./client-ip";
import { normalizePath } from "./options";

/** A bad argument to a reading call: a 400, since it often comes straight from a query string. */
function invalid(message: string, code: string): HttpError {
  return new HttpError(400, message, { code });
}

/** A `YYYY-MM-DD` day that exists. */
export function checkDate(value: unknown): string {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value))
    throw invalid(`date must be YYYY-MM-DD, got ${JSON.stringify(value)}`, "INVALID_DATE");
  const parsed = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value)
    throw invalid(`date ${value} does not exist`, "INVALID_DATE");
  return value;
}

/** A positive integer up to `max` (numeric strings accepted, as from a query string). */
export function checkLimit(value: unknown, fallback: number, max = 1_000): number {
  if (value === undefined) return fallback;
  const limit = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > max)
    throw invalid(`limit must be an integer from 1 to ${max}`, "INVALID_LIMIT");
  return limit;
}

/** A non-negative number of milliseconds. */
export function checkThreshold(value: unknown): number {
  const threshold = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof threshold !== "number" || !Number.isFinite(threshold) || threshold < 0)
    throw invalid("threshold must be a non-negative number of milliseconds", "INVALID_THRESHOLD");
  return threshold;
}

/** An IP address, normalised as the recorder stores it. */
export function checkIp(value: unknown): string {
  const ip = typeof value === "string" ? normalizeIp(value) : undefined;
  if (ip === undefined) throw invalid(`ip must be an IP address, got ${JSON.stringify(value)}`, "INVALID_IP");
  return ip;
}

/** A path starting with `/`, normalised as the recorder stores it. */
export function checkPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.length > 2048)
    throw invalid(`path must start with "/", got ${JSON.stringify(value)}`, "INVALID_PATH");
  return normalizePath(value);
}
