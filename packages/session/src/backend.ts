import type { HarpiaRequest, HarpiaResponse, Store } from "@harpia/core";
import type { Changes, SessionBackend, SessionHandle } from "./state";
import type { TouchLog } from "./touches";

/** `value` when it is a plain record (what a session holds), else `undefined`. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** What {@link StoreBackend} needs from its `Session`. */
export interface StoreBackendParts {
  readonly store: Store;
  readonly ttl: number;
  readonly rolling: boolean;
  /** Whether the cookie outlives the browser session, and so must be re-sent to slide. */
  readonly persistentCookie: boolean;
  /** When each session's expiry last slid, so unchanged sessions slide once per `touchAfter`. */
  readonly touches: TouchLog;
  key(id: string): string;
  newId(): string;
  setCookie(res: HarpiaResponse, id: string, req: HarpiaRequest<any>): void;
  clearCookie(res: HarpiaResponse, req: HarpiaRequest<any>): void;
}

/** Saves, slides, rotates and deletes the sessions of `req.session` handles in the store. */
export class StoreBackend implements SessionBackend {
  constructor(private readonly parts: StoreBackendParts) {}

  async persist(handle: SessionHandle, changes: Changes | undefined): Promise<void> {
    const { store, ttl } = this.parts;
    if (handle.id === undefined) {
      const id = this.parts.newId();
      const key = this.parts.key(id);
      await store.set(key, handle.data, ttl);
      this.parts.touches.touched(key);
      handle.id = id;
      handle.markSaved();
      this.parts.setCookie(handle.res, id, handle.req);
      return;
    }
    if (changes === undefined) return;
    // Apply only this request's changes over what the store holds now, so concurrent requests
    // that change other keys of the same session do not undo each other.
    const key = this.parts.key(handle.id);
    const current = asRecord(await store.get(key));
    if (current === undefined) {
      // Deleted meanwhile (a logout elsewhere) or expired: do not bring it back.
      this.parts.touches.forget(key);
      handle.reset();
      this.parts.clearCookie(handle.res, handle.req);
      return;
    }
    const merged: Record<string, unknown> = { ...current, ...changes.set };
    for (const key of changes.removed) delete merged[key];
    await store.set(key, merged, ttl);
    this.parts.touches.touched(key);
    for (const key of Object.keys(handle.data)) if (!Object.hasOwn(merged, key)) delete handle.data[key];
    for (const [key, value] of Object.entries(merged))
      if (!Object.hasOwn(changes.set, key)) handle.data[key] = value;
    handle.markSaved();
    if (this.parts.rolling && this.parts.persistentCookie)
      this.parts.setCookie(handle.res, handle.id, handle.req);
  }

  touch(handle: SessionHandle): Promise<void> | undefined {
    if (!this.parts.rolling || handle.id === undefined) return undefined;
    const key = this.parts.key(handle.id);
    if (!this.parts.touches.due(key)) return undefined;
    return this.slide(handle, key);
  }

  private async slide(handle: SessionHandle, key: string): Promise<void> {
    const touches = this.parts.touches;
    if (!(await this.parts.store.expire(key, this.parts.ttl))) {
      touches.forget(key);
      handle.reset();
      this.parts.clearCookie(handle.res, handle.req);
      return;
    }
    touches.touched(key);
    if (this.parts.persistentCookie && handle.id !== undefined)
      this.parts.setCookie(handle.res, handle.id, handle.req);
  }

  async rotate(handle: SessionHandle): Promise<string> {
    const oldId = handle.id;
    const id = this.parts.newId();
    const key = this.parts.key(id);
    await this.parts.store.set(key, handle.data, this.parts.ttl);
    this.parts.touches.touched(key);
    if (oldId !== undefined) {
      await this.parts.store.delete(this.parts.key(oldId));
      this.parts.touches.forget(this.parts.key(oldId));
    }
    handle.id = id;
    handle.markSaved();
    this.parts.setCookie(handle.res, id, handle.req);
    return id;
  }

  async remove(handle: SessionHandle): Promise<void> {
    if (handle.id !== undefined) {
      await this.parts.store.delete(this.parts.key(handle.id));
      this.parts.touches.forget(this.parts.key(handle.id));
    }
    this.parts.clearCookie(handle.res, handle.req);
    handle.reset();
  }
}
