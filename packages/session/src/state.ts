import type { HarpiaRequest, HarpiaResponse } from "@harpia/core";
import type { SessionData } from "./types";

/** What `req.session` offers besides the data itself. These names cannot be used as data keys. */
export interface SessionControls {
  /** The session id; `undefined` until the session is saved (a new session with no data has none). */
  readonly id: string | undefined;
  /** True while the session exists only in this request (not yet saved). */
  readonly isNew: boolean;
  /**
   * Saves now, creating the session (id and cookie) if it is new, even when it holds no data.
   * Changes are otherwise saved automatically when the request ends. Resolves to the id, or
   * `undefined` when the session was deleted meanwhile (e.g. a logout in another tab).
   */
  save(): Promise<string | undefined>;
  /** Moves the data to a new id and cookie, dropping the old id (call it on login). */
  regenerate(): Promise<string>;
  /** Deletes the session from the store and clears the cookie (call it on logout). */
  destroy(): Promise<void>;
  /** A plain copy of the data. */
  toJSON(): Record<string, unknown>;
}

/**
 * `req.session`: the session's data as properties (`req.session.userId = "42"`) plus
 * {@link SessionControls}. Typed by `Data` (see `SessionFields`).
 */
export type RequestSession<Data extends object = SessionData> = SessionControls & Partial<Data>;

declare module "@harpia/core" {
  interface RequestState {
    /**
     * The session of this request, set by the `@harpia/session` plugin (`app.use(session)`).
     * Assign properties to store data; it is saved when the request ends if it changed.
     */
    session: RequestSession;
  }
  interface HarpiaRequest<P> {
    /**
     * The session of this request: the same object as `req.state.session` (this spelling is
     * the seed's and Express's). Set by the `@harpia/session` plugin.
     */
    session: RequestSession;
  }
}

/** What the handle needs from its `Session`; keeps this file free of the store details. */
export interface SessionBackend {
  /**
   * Writes a session: a new one (no id yet) in full, an existing one by applying `changes` to
   * what the store holds now. A session deleted meanwhile is not brought back: the handle is
   * reset instead.
   */
  persist(handle: SessionHandle, changes: Changes | undefined): Promise<void>;
  /** Gives the data a new id (deleting the old one) and sets the cookie. */
  rotate(handle: SessionHandle): Promise<string>;
  /** Deletes the session and clears the cookie. */
  remove(handle: SessionHandle): Promise<void>;
  /**
   * Slides the expiry of an unchanged session when it is due (see `touchAfter`); `undefined`
   * when it is not.
   */
  touch(handle: SessionHandle): Promise<void> | undefined;
}

/** Top-level keys set or removed since the session was loaded. */
export interface Changes {
  set: Record<string, unknown>;
  removed: string[];
}

const CONTROL_KEYS = new Set(["id", "isNew", "save", "regenerate", "destroy", "toJSON"]);
/** How `req.state.session` leads back to its handle (module-private: not a data key). */
const HANDLE = Symbol("harpia.session.handle");

/** The session handle the plugin left in `req.state.session`, if any. */
export function sessionHandleOf(req: HarpiaRequest<any>): SessionHandle | undefined {
  const session = req.state.session as unknown as Record<typeof HANDLE, unknown> | undefined;
  const handle = session?.[HANDLE];
  return handle instanceof SessionHandle ? handle : undefined;
}

function serialize(value: unknown): string {
  return JSON.stringify(value) ?? "undefined";
}

/** Whether a value can be changed through a reference (so reading it may change the session). */
function mutable(value: unknown): boolean {
  return value !== null && (typeof value === "object" || typeof value === "function");
}

/**
 * One request's session: its data, its id, and what changed. Reading costs nothing: a key is
 * remembered (as JSON) only once it is written or deleted, or once an object value of it is
 * handed out (`req.session.cart`), so nested mutations (`req.session.cart.push(x)`) still count:
 * at the end such keys are compared with what was remembered.
 */
export class SessionHandle {
  data: Record<string, unknown>;
  /**
   * Keys that may have changed since load or the last save → their JSON then (`undefined`:
   * absent). Keys not here are unchanged.
   */
  private baseline: Map<string, string | undefined> | undefined;
  /** Whether every object value was handed out at once (`toJSON`, spreading `req.session`). */
  private exposedAll = false;
  private createdListeners: ((id: string) => void)[] | undefined;
  /** The object handed out as `req.session`. */
  readonly proxy: RequestSession<any>;

  constructor(
    readonly backend: SessionBackend,
    readonly req: HarpiaRequest<any>,
    readonly res: HarpiaResponse,
    public id: string | undefined,
    data: Record<string, unknown>,
  ) {
    this.data = data;
    this.proxy = new Proxy(new Controls(this), TRAPS) as unknown as RequestSession<any>;
  }

  /** Makes this the request's session: `req.state.session` and its alias `req.session`. */
  attach(): void {
    this.req.state.session = this.proxy;
    this.req.session = this.proxy;
  }

  /** Remembers `key` as it is now, before it is written or handed out (first time only). */
  track(key: string): void {
    this.baseline ??= new Map();
    const baseline = this.baseline;
    if (baseline.has(key)) return;
    baseline.set(key, Object.hasOwn(this.data, key) ? serialize(this.data[key]) : undefined);
  }

  /** `data[key]` for the caller to keep: an object value is tracked first. */
  read(key: string): unknown {
    const value = this.data[key];
    if (mutable(value)) this.track(key);
    return value;
  }

  /** Tracks every object value (the whole data is being handed out). */
  exposeAll(): void {
    if (this.exposedAll) return;
    this.exposedAll = true;
    for (const key of Object.keys(this.data)) if (mutable(this.data[key])) this.track(key);
  }

  /** Remembers the current data as what the store holds. */
  markSaved(): void {
    const baseline = this.baseline;
    if (baseline === undefined) return;
    // Object values handed out before the save may still be changed by the caller: keep them.
    for (const key of [...baseline.keys()]) {
      const value = this.data[key];
      if (Object.hasOwn(this.data, key) && mutable(value)) baseline.set(key, serialize(value));
      else baseline.delete(key);
    }
    this.exposedAll = false;
  }

  /** Forgets the session: no id, no data (a new one starts if data is set afterwards). */
  reset(): void {
    this.id = undefined;
    this.data = {};
    this.baseline = undefined;
    this.exposedAll = false;
  }

  /** What changed since load or the last save; `undefined` when nothing did. */
  changes(): Changes | undefined {
    const baseline = this.baseline;
    if (baseline === undefined) return undefined;
    const set: Record<string, unknown> = {};
    const removed: string[] = [];
    let changed = false;
    for (const [key, before] of baseline) {
      const present = Object.hasOwn(this.data, key);
      const now = present ? serialize(this.data[key]) : undefined;
      if (now === before) continue;
      changed = true;
      if (present) set[key] = this.data[key];
      else removed.push(key);
    }
    return changed ? { set, removed } : undefined;
  }

  /**
   * Saves when needed at the end of the request; `undefined` (nothing to wait for) when the
   * session is unchanged and its expiry need not slide yet.
   */
  commit(): Promise<unknown> | undefined {
    // Like express-session's saveUninitialized: false, a visitor gets a session (and a cookie)
    // only once something is stored in it.
    if (this.id === undefined) {
      for (const _ in this.data) return this.save();
      return undefined;
    }
    const changes = this.changes();
    return changes === undefined ? this.backend.touch(this) : this.backend.persist(this, changes);
  }

  /**
   * Runs `listener` with the new id when this request's save creates the session from data
   * (not when `regenerate()` does: a new id at login must not inherit anything).
   */
  onCreate(listener: (id: string) => void): void {
    if (this.createdListeners === undefined) this.createdListeners = [listener];
    else this.createdListeners.push(listener);
  }

  /** Saves now (see {@link SessionControls.save}). */
  async save(): Promise<string | undefined> {
    if (this.id === undefined) {
      await this.backend.persist(this, undefined);
      const id = this.id as string | undefined;
      if (id !== undefined && this.createdListeners)
        for (const listener of this.createdListeners) listener(id);
    } else {
      const changes = this.changes();
      if (changes === undefined) await this.backend.touch(this);
      else await this.backend.persist(this, changes);
    }
    return this.id;
  }
}

/** The target of `req.session`'s proxy: the controls, and the way back to the handle. */
class Controls implements SessionControls {
  constructor(readonly handle: SessionHandle) {}
  get id(): string | undefined {
    return this.handle.id;
  }
  get isNew(): boolean {
    return this.handle.id === undefined;
  }
  save(): Promise<string | undefined> {
    return this.handle.save();
  }
  regenerate(): Promise<string> {
    return this.handle.backend.rotate(this.handle);
  }
  destroy(): Promise<void> {
    return this.handle.backend.remove(this.handle);
  }
  toJSON(): Record<string, unknown> {
    this.handle.exposeAll();
    return { ...this.handle.data };
  }
}

/** The traps of every `req.session` (one object for all requests: nothing made per request). */
const TRAPS: ProxyHandler<Controls> = {
  get(target, key) {
    if (typeof key !== "string") return key === HANDLE ? target.handle : undefined;
    if (CONTROL_KEYS.has(key)) {
      const control = (target as unknown as Record<string, unknown>)[key];
      return typeof control === "function" ? control.bind(target) : control;
    }
    return target.handle.read(key);
  },
  set(target, key, value) {
    if (typeof key !== "string" || CONTROL_KEYS.has(key))
      throw new TypeError(`req.session.${String(key)} is reserved and cannot hold data`);
    const handle = target.handle;
    handle.track(key);
    handle.data[key] = value;
    return true;
  },
  deleteProperty(target, key) {
    if (typeof key === "string" && !CONTROL_KEYS.has(key)) {
      const handle = target.handle;
      if (Object.hasOwn(handle.data, key)) {
        handle.track(key);
        delete handle.data[key];
      }
    }
    return true;
  },
  has(target, key) {
    return typeof key === "string" && (CONTROL_KEYS.has(key) || Object.hasOwn(target.handle.data, key));
  },
  ownKeys(target) {
    return Reflect.ownKeys(target.handle.data);
  },
  getOwnPropertyDescriptor(target, key) {
    const handle = target.handle;
    if (typeof key !== "string" || !Object.hasOwn(handle.data, key)) return undefined;
    return { value: handle.read(key), writable: true, enumerable: true, configurable: true };
  },
};
