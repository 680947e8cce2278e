import { type HarpiaRequest, type HarpiaResponse, statusText } from "@harpia/core";
import { visitorIp } from "./client-ip";
import type { ResolvedOptions } from "./options";
import type { Observation } from "./recorder";
import type { TrafficSource, VisitError } from "./types";

const MAX_PATH = 512;
const MAX_LABEL = 100;
const MAX_MESSAGE = 300;

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}

function label(value: string | null): string | undefined {
  const text = value?.trim();
  return text ? clip(text, MAX_LABEL) : undefined;
}

/**
 * The visit's traffic source: its UTM parameters, else the host of a `Referer` from another
 * site. Internal navigation and direct visits have none.
 */
export function trafficSourceOf(req: HarpiaRequest<any>): TrafficSource | undefined {
  const query = req.searchParams;
  const source = label(query.get("utm_source"));
  const medium = label(query.get("utm_medium"));
  if (source !== undefined || medium !== undefined) {
    const campaign = label(query.get("utm_campaign"));
    return { utm: { source, medium, ...(campaign === undefined ? {} : { campaign }) } };
  }
  const referer = req.headers.get("referer");
  if (!referer) return undefined;
  try {
    const from = new URL(referer).host.toLowerCase();
    const own = (req.headers.get("host") ?? new URL(req.url).host).toLowerCase();
    return from && from !== own ? { referrer: clip(from, MAX_LABEL) } : undefined;
  } catch {
    return undefined;
  }
}

/** `source/medium`, the key `getTrafficSources` groups by. */
export function sourceKey(source: TrafficSource | undefined): string | undefined {
  if (source?.utm) return `${source.utm.source ?? "(none)"}/${source.utm.medium ?? "(none)"}`;
  if (source?.referrer) return `${source.referrer}/referral`;
  return undefined;
}

function errorOf(res: HarpiaResponse, status: number, errorStatus: number): VisitError | null {
  if (status < errorStatus) return null;
  const thrown = res.error;
  const message = thrown instanceof Error && thrown.message ? thrown.message : statusText(status);
  return { code: status, message: clip(message, MAX_MESSAGE) };
}

/**
 * Everything recorded about a finished request, read from this request's own objects; `status`
 * is the one the `Response` was built with.
 */
export function observe(
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  status: number,
  path: string,
  at: Date,
  milliseconds: number,
  options: ResolvedOptions,
): Observation {
  const trafficSource = trafficSourceOf(req);
  const visit = {
    path: clip(path, MAX_PATH),
    method: req.method,
    status,
    timestamp: at.toISOString(),
    responseTime: Math.round(milliseconds * 100) / 100,
    error: errorOf(res, status, options.errorStatus),
    ...(trafficSource === undefined ? {} : { trafficSource }),
  };
  return { ip: visitorIp(req), visit, source: sourceKey(trafficSource), at };
}
