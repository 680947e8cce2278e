import type { Store } from "@harpia/core";
import { withLock } from "./lock";

/** A stored account. It stays on the server: pages and the API get a {@link PublicUser}. */
export interface User {
  id: string;
  username: string;
  passwordHash: string;
  /** File name of the profile picture in the upload folder, if any. */
  avatar: string | null;
  createdAt: string;
}

/** What pages and the API may show about a user. */
export interface PublicUser {
  id: string;
  username: string;
  avatarUrl: string | null;
  initials: string;
  createdAt: string;
}

/** Most accounts the demo keeps (each may hold a picture and notes): sign-ups beyond get a 503. */
export const MAX_USERS = 5_000;
/** User names: lower-case letters, digits, `-` and `_` (also what makes them safe store keys). */
export const USERNAME_PATTERN = /^[a-z0-9_-]{3,32}$/;
/** Shortest password accepted. */
export const PASSWORD_MIN = 8;
/** Longest password accepted (hashing cost must not be chosen by the client). */
export const PASSWORD_MAX = 200;

/**
 * Argon2id with OWASP's minimum parameters (19 MiB, 2 passes): strong enough, and cheap enough
 * that a burst of logins cannot exhaust the server's memory (Bun's default takes 64 MiB each).
 */
const HASH_OPTIONS = { algorithm: "argon2id", memoryCost: 19_456, timeCost: 2 } as const;

/** Field errors of a sign-up or login form, by field name. */
export type FieldErrors = Partial<Record<"username" | "password", string>>;

/** Checks the sign-up form; the username is lower-cased (names are case-insensitive). */
export function validateCredentials(body: unknown): {
  username: string;
  password: string;
  errors: FieldErrors;
} {
  const input = (body ?? {}) as Record<string, unknown>;
  const username = typeof input.username === "string" ? input.username.trim().toLowerCase() : "";
  const password = typeof input.password === "string" ? input.password : "";
  const errors: FieldErrors = {};
  if (!USERNAME_PATTERN.test(username))
    errors.username = "3 to 32 characters: letters, digits, dash or underscore";
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX)
    errors.password = `${PASSWORD_MIN} to ${PASSWORD_MAX} characters`;
  return { username, password, errors };
}

/** The public view of a user. */
export function publicUser(user: User): PublicUser {
  return {
    id: user.id,
    username: user.username,
    avatarUrl: user.avatar ? `/avatars/${user.avatar}` : null,
    initials: user.username.slice(0, 2).toUpperCase(),
    createdAt: user.createdAt,
  };
}

/**
 * Accounts in the configured store (`user:<name>`). Creation is atomic across processes (`add`
 * is `SET NX`), the number of accounts is capped with an atomic counter, and updates take a
 * lock so two workers never overwrite each other's change.
 */
export class UserRepository {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly store: Store) {}

  private key(username: string): string {
    return `user:${username}`;
  }

  /** The account, or `undefined`. */
  find(username: string): Promise<User | undefined> {
    if (!USERNAME_PATTERN.test(username)) return Promise.resolve(undefined);
    return this.store.get<User>(this.key(username));
  }

  /** Creates an account: `"taken"` when the name exists, `"full"` at {@link MAX_USERS}. */
  async create(username: string, password: string): Promise<User | "taken" | "full"> {
    if (await this.store.has(this.key(username))) return "taken";
    const user: User = {
      id: crypto.randomUUID(),
      username,
      passwordHash: await Bun.password.hash(password, HASH_OPTIONS),
      avatar: null,
      createdAt: new Date().toISOString(),
    };
    // Reserve a slot first, so concurrent sign-ups on several workers cannot pass the cap.
    if ((await this.store.increment("users:count")) > MAX_USERS) {
      await this.store.increment("users:count", -1);
      return "full";
    }
    if (!(await this.store.add(this.key(username), user))) {
      await this.store.increment("users:count", -1);
      return "taken";
    }
    return user;
  }

  /**
   * The account when the password matches. An unknown name costs a hash verification too, so
   * response times do not tell which names exist.
   */
  async verify(username: string, password: string): Promise<User | undefined> {
    const user = await this.find(username);
    if (user === undefined) {
      this.dummyHash ??= Bun.password.hash("not a real password", HASH_OPTIONS);
      await Bun.password.verify(password, await this.dummyHash);
      return undefined;
    }
    return (await Bun.password.verify(password, user.passwordHash)) ? user : undefined;
  }

  /** Changes an account under its lock; `undefined` when it no longer exists. */
  update(username: string, change: (user: User) => User): Promise<User | undefined> {
    return withLock(this.store, this.key(username), async () => {
      const user = await this.find(username);
      if (user === undefined) return undefined;
      const updated = change(user);
      await this.store.set(this.key(username), updated);
      return updated;
    });
  }

  /** Deletes an account (its notes and picture are the caller's to remove). */
  async delete(user: User): Promise<void> {
    await withLock(this.store, this.key(user.username), async () => {
      const current = await this.find(user.username);
      if (current?.id !== user.id) return;
      await this.store.delete(this.key(user.username));
      await this.store.increment("users:count", -1);
    });
  }

  /** How many accounts exist. */
  async count(): Promise<number> {
    return Math.max(0, (await this.store.get<number>("users:count")) ?? 0);
  }
}
