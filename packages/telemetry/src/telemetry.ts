import { definePlugin, type Handler, type Harpia, type HarpiaRequest, type Plugin } from "@harpia/core";
import { AccessGuard } from "./access";
import { visitorIp } from "./client-ip";
import { createDashboard, type DashboardOptions, dashboardRoute } from "./dashboard";
import { collectDashboardData } from "./dashboard-data";
import { Layout } from "./layout";
import { resolveOptions, type TelemetryOptions } from "./options";
import { RecordingQueue } from "./queue";
import { Reader } from "./reader";
import { TelemetryReadingApi } from "./reading-api";
import { addRecordingHooks, skipRequest } from "./record-hooks";
import { Recorder } from "./recorder";

/** The plugin's name (`app.hasPlugin(...)`, `dependencies` of other plugins). */
export const TELEMETRY_PLUGIN = "@harpia/telemetry";

const SEED_FORM_REPLACED =
  "telemetry.initialize()/handleRequest() kept each request's data on the shared Telemetry instance, " +
  "so concurrent requests overwrote each other, and could not time the handler. " +
  "Install it once instead, app.use(telemetry) (telemetry.middleware() is the same plugin): it records " +
  "the IP, traffic source (UTM), status, errors and real response time of every request on its own.";

// The class and this interface merge: a Telemetry is a plugin (`app.use(telemetry)`). The
// brand the interface declares is set on every instance by `definePlugin` in the constructor.
export interface Telemetry extends Plugin {}

/**
 * Request telemetry: traffic, visitors, pages, response times, errors and traffic sources,
 * with the seed's reading API and a dashboard. Data is kept as atomic counters and bounded
 * lists in an `AtomicStore` (a `MemoryStore` by default, a `RedisStore` to share it between
 * instances), every dimension a client can grow is capped, and old days expire.
 *
 * A `Telemetry` is a plugin: `app.use(telemetry)` records every response the app sends and,
 * with the `dashboard` option, serves the dashboard. Made by {@link telemetry} (or `new`).
 *
 * @example
 * const app = harpia({ trustProxy: 1 }); // visitor IPs are req.ip: the app decides whom to trust
 * const stats = telemetry({ ignore: ["/favicon.ico", "/healthcheck"], accessToken, dashboard: {} });
 * app.use(stats); // records every request; the dashboard is at /admin/telemetry
 * const today = await stats.summary({ limit: 5, token, callerIp });
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface only adds the plugin brand, set in the constructor.
export class Telemetry extends TelemetryReadingApi {
  private readonly queue: RecordingQueue;
  private readonly route: { path: string; handler: Handler<any> } | undefined;

  constructor(options: TelemetryOptions = {}) {
    const resolved = resolveOptions(options);
    const layout = new Layout(resolved.prefix);
    super(
      resolved,
      new AccessGuard(options.accessToken, options.allowedIps),
      layout,
      new Reader(resolved.store, layout, resolved.maxVisitorsKeys),
    );
    this.queue = new RecordingQueue(new Recorder(layout, resolved), resolved.maxPending, resolved.onError);
    if (options.dashboard !== undefined) {
      const { path, options: look } = dashboardRoute(options.dashboard);
      this.route = { path, handler: this.makeDashboard(look, "the `dashboard` option") };
    }
    definePlugin({ name: TELEMETRY_PLUGIN, setup: (app) => this.install(app) }, this);
  }

  /**
   * Installs telemetry on `app` (run by `app.use(telemetry)`, once per app): the recording
   * hooks, the dashboard route when the `dashboard` option is set, and an `onClose` hook that
   * waits for recordings in flight, so `app.close()` resolves once they are in the store.
   */
  private install(app: Harpia): void {
    addRecordingHooks(app, this.options, (observation) => this.queue.enqueue(observation));
    if (this.route !== undefined) app.get(this.route.path, this.route.handler);
    app.onClose(() => this.settled());
  }

  /** Requests not recorded because `maxPending` recordings were already in flight. */
  get droppedRecords(): number {
    return this.queue.dropped;
  }

  /**
   * The older spelling of `app.use(telemetry)`, kept for code written before telemetry was a
   * plugin: `app.use(telemetry.middleware())` installs the same plugin (once per app). It
   * returns this `Telemetry`, not a middleware function: telemetry records the whole app
   * through hooks, so it cannot be applied to one router or route (`ignore` leaves paths out).
   */
  middleware(): this {
    return this;
  }

  /** Leaves one request out of telemetry (the dashboard does this for its own requests). */
  skip(req: HarpiaRequest<any>): void {
    skipRequest(req);
  }

  /**
   * Resolves once every recording started so far is written (tests; `app.close()` waits for it
   * through the `onClose` hook the plugin installs).
   */
  override settled(): Promise<void> {
    return this.queue.settled();
  }

  /**
   * The seed's per-request form is replaced by `app.use(telemetry)`: it kept request state on
   * this shared instance. Calling it throws a `TypeError` that says so.
   * @deprecated Use `app.use(telemetry)`.
   */
  initialize(..._args: unknown[]): never {
    throw new TypeError(SEED_FORM_REPLACED);
  }

  /**
   * See {@link initialize}: replaced by `app.use(telemetry)`; throws.
   * @deprecated Use `app.use(telemetry)`.
   */
  handleRequest(..._args: unknown[]): never {
    throw new TypeError(SEED_FORM_REPLACED);
  }

  /**
   * A handler serving the dashboard, to mount yourself (the seed-style manual mount; the
   * `dashboard` option does it for you): a self-contained page (no CDN) with requests and
   * unique visitors per day, top pages, the response-time distribution, slow requests and
   * errors. Guarded like the reading API: the token comes from an `Authorization: Bearer`
   * header, an `x-telemetry-token` header, a `?token=` query (exchanged for an HttpOnly
   * cookie) or that cookie; the caller's IP (`req.ip`) is checked against `allowedIps`.
   *
   * @example
   * app.get("/admin/telemetry", stats.dashboard({ title: "Shop" }));
   */
  dashboard(options: DashboardOptions = {}): Handler<any> {
    return this.makeDashboard(options, "telemetry.dashboard()");
  }

  private makeDashboard(options: DashboardOptions, what: string): Handler<any> {
    if (!this.guard.guarded && options.allowUnguarded !== true)
      throw new TypeError(
        `${what} needs \`accessToken\` and/or \`allowedIps\` on the Telemetry, since the dashboard shows ` +
          "visitor IPs (or { allowUnguarded: true } for a dashboard behind your own authentication)",
      );
    const source = {
      reader: this.reader,
      clock: this.options.clock,
      retentionDays: this.options.retentionDays,
      dropped: () => this.queue.dropped,
    };
    return createDashboard(
      {
        guard: this.guard,
        skip: skipRequest,
        callerIp: visitorIp,
        collect: (slowThreshold) => collectDashboardData(source, slowThreshold),
      },
      options,
    );
  }
}

/**
 * Request telemetry as a plugin: `app.use(telemetry(options))` records every request and
 * returns the reading API (`summary`, `getDailyStats`, `getVisitors`, ...). See
 * {@link TelemetryOptions}.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { telemetry } from "@harpia/telemetry";
 *
 * const app = harpia();
 * const stats = telemetry({ accessToken: process.env.TELEMETRY_TOKEN, dashboard: { path: "/admin/telemetry" } });
 * app.use(stats);
 */
export function telemetry(options: TelemetryOptions = {}): Telemetry {
  return new Telemetry(options);
}
