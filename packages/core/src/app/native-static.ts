/**
 * Static files served from Bun's route table (`listen`): for each small file of the static
 * mounts, the answer the JS path gives to a plain GET, prepared once per version of the file and
 * per compiled app, and handed out as a clone. Only where nothing else would run for the request
 * (no app-level middleware, no per-request hooks, no route or WebSocket route on the path); a
 * conditional or `Range` request, a HEAD and other methods take the JS path. The files are
 * checked again on a timer, as often as the mounts' stat caches trust a stat.
 */
import type { Server } from "bun";
import type { CompiledApp } from "../pipeline/compiled";
import { HarpiaRequest } from "../request";
import { HarpiaResponse } from "../response";
import { type NativeFile, sameFiles, scanNativeFiles } from "../static/native-files";
import type { StaticMount } from "../static/serve-static";
import { CREATE, STATIC_MOUNT, WIRE } from "../symbols";
import type { AppState } from "./state";

type BunHandler = (request: Bun.BunRequest, server: Server<any>) => Response | Promise<Response>;

/** Request headers that make the JS path decide (304, 412, 206/416): such requests go to it. */
const CONDITIONAL = ["if-none-match", "if-modified-since", "range", "if-match", "if-unmodified-since"];

/** Whether the request carries a header the prepared answer does not account for. */
function conditional(headers: Headers): boolean {
  for (const name of CONDITIONAL) if (headers.has(name)) return true;
  return false;
}

/** A file's prepared answer, for the compiled app it was prepared with. */
interface Prepared {
  compiled: CompiledApp;
  response: Response | undefined;
}

/** The native static files of one app, and the timer that keeps them current. */
class NativeStatic {
  private files = new Map<string, NativeFile>();
  private readonly prepared = new WeakMap<NativeFile, Prepared>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly state: AppState) {}

  /** The static mounts, in the order the JS path tries them (`undefined`: some other fallback). */
  private mounts(): (StaticMount | undefined)[] {
    return this.state.fallbacks.map(
      (fallback) => (fallback as { [STATIC_MOUNT]?: StaticMount })[STATIC_MOUNT],
    );
  }

  /** Scans the mounts now; `true` when the set of files or a file's version changed. */
  scan(): boolean {
    const next = scanNativeFiles(this.mounts(), this.files);
    if (sameFiles(next, this.files)) return false;
    this.files = next;
    return true;
  }

  /**
   * Keeps the files current while the app has servers: scans every `ttl` (the shortest stat
   * cache lifetime of the mounts) and re-applies the routes to the servers when a file changed.
   */
  watch(): void {
    if (this.timer !== undefined) return;
    const mounts = this.mounts().filter((m): m is StaticMount => m?.native === true);
    if (mounts.length === 0) return;
    const every = Math.min(...mounts.map((m) => m.ttlMs));
    this.timer = setInterval(() => {
      const servers = this.state.servers;
      if (servers.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
        this.files = new Map();
        return;
      }
      if (this.scan()) for (const refresh of servers.values()) refresh();
    }, every);
    this.timer.unref?.();
  }

  /** Route table entries for the files `compiled` would answer from a static mount as they are. */
  routes(compiled: CompiledApp, jsPath: BunHandler): Record<string, Record<string, BunHandler>> {
    const routes: Record<string, Record<string, BunHandler>> = {};
    if (this.files.size === 0 || !this.eligible(compiled)) return routes;
    for (const [url, file] of this.files) {
      if (compiled.router.allowed(url).length > 0 || compiled.ws?.match("GET", url)) continue;
      const response = this.prepare(compiled, file);
      if (response === undefined) continue;
      routes[url] = {
        GET: (request, server) => (conditional(request.headers) ? jsPath(request, server) : response.clone()),
        HEAD: jsPath,
      };
    }
    return routes;
  }

  /** Whether, in `compiled`, nothing but the static mounts would run for an unrouted request. */
  private eligible(compiled: CompiledApp): boolean {
    const { hooks, closing } = compiled;
    return (
      !this.state.development &&
      !closing.closing &&
      !compiled.timed &&
      compiled.middleware.length === 0 &&
      hooks.onRequest.length === 0 &&
      hooks.onSend.length === 0 &&
      hooks.onResponse.length === 0
    );
  }

  /** The JS path's answer to a plain GET of `file`, prepared once per compiled app. */
  private prepare(compiled: CompiledApp, file: NativeFile): Response | undefined {
    const known = this.prepared.get(file);
    if (known?.compiled === compiled) return known.response;
    const response = capture(compiled, file);
    this.prepared.set(file, { compiled, response });
    return response;
  }
}

/**
 * Runs the mount's own file answer for a plain GET of `file` (the version scanned) and keeps
 * its status and headers. `undefined` when that answer is
 * not a plain 200 the table can give every client (the JS path then keeps the file).
 */
function capture(compiled: CompiledApp, file: NativeFile): Response | undefined {
  const request = new Request(`http://localhost${file.url}`);
  const req = HarpiaRequest[CREATE](request, undefined, compiled.context, file.url);
  const res = HarpiaResponse[CREATE](compiled.signer, compiled.views, request);
  res.req = req;
  res[WIRE] = true;
  let built: Response | Promise<Response>;
  try {
    file.mount.serveFile(req, res, file.path, { kind: "file", size: file.size, mtimeMs: file.mtimeMs });
    built = compiled.finish(req, res);
  } catch {
    return undefined;
  }
  if (built instanceof Promise || built.status !== 200) return undefined;
  // Without any Content-Type, Bun would type a file body by itself on the socket: the JS path keeps it.
  if (!built.headers.has("content-type")) return undefined;
  // A `Bun.file` body, as the JS path sends, so Bun writes it the same way. (Bytes held in memory
  // cost less CPU per request but measured slower under wrk on a loaded machine; and nothing is
  // held per file this way.)
  return new Response(Bun.file(file.path), { status: 200, headers: new Headers(built.headers) });
}

const apps = new WeakMap<AppState, NativeStatic>();

/** The native static files of the app with `state`. */
export function nativeStatic(state: AppState): NativeStatic {
  let found = apps.get(state);
  if (found === undefined) {
    found = new NativeStatic(state);
    apps.set(state, found);
  }
  return found;
}
