import type { RouteInfo } from "@harpia/core";

type Param = RouteInfo["params"][number];

/** Parameters of a pattern, as core's route table lists them (for tests without an app). */
function paramsOf(path: string): Param[] {
  const out: Param[] = [];
  let unnamed = 0;
  for (const segment of path.split("/").filter(Boolean)) {
    if (segment === "*") out.push({ name: "*", optional: false, wildcard: true });
    const m = /^:([A-Za-z_$][\w$]*)(?:\((.+)\))?(\?)?$|^\((.+)\)(\?)?$/.exec(segment);
    if (!m) continue;
    const name = m[1] ?? String(unnamed++);
    const pattern = m[2] ?? m[4];
    out.push({ name, optional: Boolean(m[3] ?? m[5]), wildcard: false, ...(pattern ? { pattern } : {}) });
  }
  return out;
}

/** A route table entry, as `app.routeTable()` gives it. */
export function route(method: string, path: string, extra: Partial<RouteInfo> = {}): RouteInfo {
  return {
    kind: method === "WS" ? "ws" : "http",
    method: method === "WS" ? "GET" : method,
    path,
    params: paramsOf(path),
    ...extra,
  };
}
