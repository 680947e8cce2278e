import { type CloseOptions, type Harpia, harpia, logger } from "@harpia/core";
import { type HealthPlugin, health } from "@harpia/health";
import { type PresetConfig, type ResolvedConfig, resolveConfig } from "./config";
import { bodyParser } from "./defaults/body-parser";
import { noCache } from "./defaults/cache";
import { unsignedCookies } from "./defaults/cookie-parser";
import { sessionMiddleware } from "./defaults/session";
import { mountStatic } from "./defaults/static";
import { ErrorHandlerChain, type PresetErrorHandler, unhandledErrorHandler } from "./error-handlers";
import { PresetStepError } from "./errors";
import { type PresetServers, startServers } from "./server/start";
import { assertStep, STEPS, type StepName } from "./steps";

/** What listeners get besides the app and the config. */
export interface StepContext {
  /** The step running. */
  readonly step: StepName;
  /**
   * Adds an error handler to the preset's chain (meant for `configure.errorHandlers`). Handlers
   * run in the order added; each answers on `res` or calls `next()` to pass the error on; the
   * unhandled-error handler (`configure.unhandledErrorHandler`) comes last.
   */
  addErrorHandler(handler: PresetErrorHandler): void;
  /** The servers, once the `start` step's default has run (so in `ready` listeners). */
  readonly servers: PresetServers | undefined;
  /** The health probes (`setReady`, `paths`...), unless `config.health` is `false`. */
  readonly health: HealthPlugin | undefined;
}

/**
 * A step listener: gets the app, the resolved config and a {@link StepContext}. Return `false`
 * (or a promise of it) to cancel the step's default behaviour and the step's later listeners.
 */
export type StepListener<C extends PresetConfig = PresetConfig> = (
  app: Harpia,
  config: ResolvedConfig<C>,
  context: StepContext,
) => unknown;

/** An app built by {@link Preset.createApp}, ready (and listening unless `start` was cancelled). */
export interface PresetApp<C extends PresetConfig = PresetConfig> {
  /** The Harpia app; `app.fetch` works with or without servers. */
  readonly app: Harpia;
  /** The configuration the steps saw, defaults filled in. */
  readonly config: ResolvedConfig<C>;
  /** The servers, unless the `start` step's default was cancelled. */
  readonly servers: PresetServers | undefined;
  /** URL of the main server (HTTPS with `tls`), when listening. */
  readonly url: URL | undefined;
  /**
   * The health probes of `@harpia/health` (`/healthz`, `/readyz`), unless `config.health` is
   * `false`: `health.setReady(false)` takes the app out of rotation, `health.paths` lists them.
   */
  readonly health: HealthPlugin | undefined;
  /**
   * Shuts the app down gracefully: `app.close(options)`. `/readyz` answers 503 from the first
   * moment, the servers stop accepting, in-flight requests finish (bounded by `timeout`, 10 s
   * by default), WebSockets are closed with 1001, then every `onClose` hook runs (stores,
   * timers). Calling it again returns the same promise.
   */
  close(options?: CloseOptions): Promise<void>;
  /**
   * The earlier name of {@link close}: `stop()` is `close()`, and `stop(true)` closes without
   * waiting for in-flight requests (`close({ timeout: 0 })`).
   */
  stop(force?: boolean): Promise<void>;
}

/** Everything of one `createApp` call: nothing here is shared between apps. */
interface Run<C extends PresetConfig> {
  app: Harpia;
  config: ResolvedConfig<C>;
  errors: ErrorHandlerChain;
  servers: PresetServers | undefined;
  health: HealthPlugin | undefined;
}

type Default<C extends PresetConfig> = (run: Run<C>) => void | Promise<void>;

/** The default behaviour of each step, each removable by cancelling its step. */
function defaults<C extends PresetConfig>(): Record<StepName, Default<C> | undefined> {
  return {
    init: undefined,
    "configure.logger": ({ app, config }) => {
      if (config.logger !== false) app.use(logger(config.logger));
    },
    "configure.static": ({ app, config }) => mountStatic(app, config.static),
    "configure.cache": ({ app }) => {
      app.use(noCache);
    },
    "configure.bodyParser": ({ app, config }) => {
      app.use(bodyParser(config.bodyParser));
    },
    // The secret itself was given to harpia() (core reads it at construction); see the
    // cancellation branch in runStep.
    "configure.cookieParser": undefined,
    "configure.session": async ({ app, config }) => {
      if (config.session !== undefined) app.use(await sessionMiddleware(config.session));
    },
    "configure.router": undefined,
    "configure.routes": undefined,
    "configure.errorHandlers": undefined,
    "configure.unhandledErrorHandler": ({ config, errors }) => {
      errors.final = unhandledErrorHandler(() => config.dumpExceptions);
    },
    start: (run) => {
      const probes = run.health ? Object.values(run.health.paths).filter((p) => p !== undefined) : [];
      run.servers = startServers(run.app, run.config.server, probes);
    },
    ready: ({ servers, health }) => {
      servers?.open();
      health?.setReady(true);
    },
  };
}

/** What is cancelled when a step's default is: only the cookie parser must undo something. */
function onCancel<C extends PresetConfig>(step: StepName, run: Run<C>): void {
  if (step === "configure.cookieParser" && cookieSecret(run.config) !== undefined)
    run.app.use(unsignedCookies);
}

function cookieSecret(config: ResolvedConfig<any>): string | string[] | undefined {
  return config.cookieParser.secret ?? config.session?.secret;
}

/**
 * The health probes, installed with the app (before `init`), not ready until the `ready` step.
 * `readyOnListen` is the preset's to decide: it listens in `start` but serves from `ready`.
 */
function installHealth(app: Harpia, config: ResolvedConfig<any>): HealthPlugin | undefined {
  if (config.health === false) return undefined;
  const probes = health({ ...config.health, readyOnListen: false });
  app.use(probes);
  return probes;
}

/** The app, created from the config before `init` (core reads these options at construction). */
function createHarpia(config: ResolvedConfig<any>): Harpia {
  const urlencoded = config.bodyParser.urlencoded;
  return harpia({
    development: config.development,
    trustProxy: config.trustProxy,
    cookieSecret: cookieSecret(config),
    methodOverride: config.methodOverride ?? urlencoded !== false,
    logErrors: config.logErrors,
    ...config.app,
  });
}

/**
 * A preset: listeners for the steps of {@link STEPS}, and `createApp` to build apps with
 * them. Instances are independent; one preset can build several apps (each with its own
 * app, config copy, error handlers and servers).
 *
 * @example
 * import { Preset } from "@harpia/preset";
 *
 * const preset = new Preset();
 * preset.on("configure.routes", (app) => {
 *   app.get("/", (req, res) => res.send("Hello World!"));
 * });
 * const { url } = await preset.createApp({ server: { port: 3000 } });
 */
export class Preset<C extends PresetConfig = PresetConfig> {
  private readonly listeners = new Map<StepName, StepListener<C>[]>();

  /**
   * Adds a listener to a step. Listeners of a step run in the order added, each awaited; one
   * that returns `false` cancels the step's default and its later listeners; one that throws
   * aborts `createApp` with a {@link PresetStepError} naming the step.
   */
  on(step: StepName, listener: StepListener<C>): this {
    assertStep(step);
    if (typeof listener !== "function") throw new TypeError(`preset.on("${step}") needs a function`);
    this.listeners.set(step, [...(this.listeners.get(step) ?? []), listener]);
    return this;
  }

  /** Removes a listener added with {@link on}. */
  off(step: StepName, listener: StepListener<C>): this {
    assertStep(step);
    this.listeners.set(
      step,
      (this.listeners.get(step) ?? []).filter((l) => l !== listener),
    );
    return this;
  }

  /** How many listeners a step has. */
  listenerCount(step: StepName): number {
    assertStep(step);
    return this.listeners.get(step)?.length ?? 0;
  }

  /**
   * Builds an app: creates it from `config` (with the health probes unless `health: false`),
   * runs every step in order, and resolves once `ready` has run (servers listening and
   * serving, `/readyz` answering 200). If a step fails, the app is closed at once (servers
   * stopped, `onClose` hooks run) and the promise rejects with a {@link PresetStepError}.
   */
  async createApp(config: C = {} as C): Promise<PresetApp<C>> {
    const resolved = resolveConfig(config);
    const app = createHarpia(resolved);
    const errors = new ErrorHandlerChain(() => app.development);
    app.setErrorHandler(errors.handle);
    const probes = installHealth(app, resolved);
    const run: Run<C> = { app, config: resolved, errors, servers: undefined, health: probes };
    const table = defaults<C>();
    try {
      for (const step of STEPS) await this.runStep(step, run, table[step]);
    } catch (error) {
      await app.close({ timeout: 0 });
      throw error;
    }
    const servers = run.servers;
    const close = (options?: CloseOptions) => app.close(options);
    return {
      app,
      config: resolved,
      servers,
      url: servers?.main.url,
      health: probes,
      close,
      stop: (force = false) => close(force ? { timeout: 0 } : undefined),
    };
  }

  private async runStep(step: StepName, run: Run<C>, byDefault: Default<C> | undefined): Promise<void> {
    const context: StepContext = {
      step,
      addErrorHandler: (handler) => run.errors.add(handler),
      get servers() {
        return run.servers;
      },
      health: run.health,
    };
    // A snapshot: listeners added while the step runs take part from the next createApp on.
    for (const listener of [...(this.listeners.get(step) ?? [])]) {
      let result: unknown;
      try {
        result = await listener(run.app, run.config, context);
      } catch (error) {
        throw new PresetStepError(step, error, "listener");
      }
      if (result === false) {
        onCancel(step, run);
        return;
      }
    }
    if (byDefault === undefined) return;
    try {
      await byDefault(run);
    } catch (error) {
      throw new PresetStepError(step, error, "default");
    }
  }
}

/**
 * Builds an app with the defaults (and the listeners of `preset`, if given). Same as
 * `preset.createApp(config)`.
 *
 * @example
 * import { createApp, Preset } from "@harpia/preset";
 *
 * const preset = new Preset().on("configure.routes", (app) => app.get("/", () => "Hello World!"));
 * const { url, close } = await createApp({ server: { port: 0 } }, preset);
 */
export function createApp<C extends PresetConfig>(config?: C, preset?: Preset<C>): Promise<PresetApp<C>> {
  return (preset ?? new Preset<C>()).createApp(config);
}
