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
  /** Slides the expiry of an unchanged session. */
  touch(handle: SessionHandle): Promise<void>;
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

/**
 * One request's session: its data, its id, and what changed. Changes are tracked per
 * top-level key by comparing JSON, so nested mutations (`req.session.cart.push(x)`) count too.
 */
export class SessionHandle {
  data: Record<string, unknown>;
  private snapshot = new Map<string, string>();
  private createdListeners: ((id: string) => void)[] | undefined;
  /** The object handed out as `req.session`. */
  readonly proxy: RequestSession<any>;

  constructor(
    private readonly backend: SessionBackend,
    readonly req: HarpiaRequest<any>,
    readonly res: HarpiaResponse,
    public id: string | undefined,
    data: Record<string, unknown>,
  ) {
    this.data = data;
    this.markSaved();
    this.proxy = this.createProxy();
  }

  /** Makes this the request's session: `req.state.session` and its alias `req.session`. */
  attach(): void {
    this.req.state.session = this.proxy;
    this.req.session = this.proxy;
  }

  /** Remembers the current data as what the store holds. */
  markSaved(): void {
    this.snapshot = new Map(Object.entries(this.data).map(([k, v]) => [k, serialize(v)]));
  }

  /** Forgets the session: no id, no data (a new one starts if data is set afterwards). */
  reset(): void {
    this.id = undefined;
    this.data = {};
    this.snapshot = new Map();
  }

  /** What changed since load or the last save; `undefined` when nothing did. */
  changes(): Changes | undefined {
    const set: Record<string, unknown> = {};
    const removed: string[] = [];
    let changed = false;
    for (const [key, value] of Object.entries(this.data)) {
      if (this.snapshot.get(key) !== serialize(value)) {
        set[key] = value;
        changed = true;
      }
    }
    for (const key of this.snapshot.keys()) {
      if (!Object.hasOwn(this.data, key)) {
        removed.push(key);
        changed = true;
      }
    }
    return changed ? { set, removed } : undefined;
  }

  /** Saves when needed at the end of the request. */
  async commit(): Promise<void> {
    // Like express-session's saveUninitialized: false, a visitor gets a session (and a cookie)
    // only once something is stored in it.
    if (this.id !== undefined || Object.keys(this.data).length > 0) await this.save();
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

  private createProxy(): RequestSession<any> {
    const handle = this;
    const controls: SessionControls = {
      get id() {
        return handle.id;
      },
      get isNew() {
        return handle.id === undefined;
      },
      save: () => handle.save(),
      regenerate: () => handle.backend.rotate(handle),
      destroy: () => handle.backend.remove(handle),
      toJSON: () => ({ ...handle.data }),
    };
    return new Proxy(controls, {
      get(target, key, receiver) {
        if (key === HANDLE) return handle;
        if (typeof key === "string" && CONTROL_KEYS.has(key)) return Reflect.get(target, key, receiver);
        return typeof key === "string" ? handle.data[key] : undefined;
      },
      set(_target, key, value) {
        if (typeof key !== "string" || CONTROL_KEYS.has(key))
          throw new TypeError(`req.session.${String(key)} is reserved and cannot hold data`);
        handle.data[key] = value;
        return true;
      },
      deleteProperty(_target, key) {
        if (typeof key === "string" && !CONTROL_KEYS.has(key)) delete handle.data[key];
        return true;
      },
      has(_target, key) {
        return typeof key === "string" && (CONTROL_KEYS.has(key) || Object.hasOwn(handle.data, key));
      },
      ownKeys() {
        return Reflect.ownKeys(handle.data);
      },
      getOwnPropertyDescriptor(_target, key) {
        if (typeof key !== "string" || !Object.hasOwn(handle.data, key)) return undefined;
        return { value: handle.data[key], writable: true, enumerable: true, configurable: true };
      },
    }) as RequestSession<any>;
  }
}
