declare module "@harpia/session" {
  interface SessionFields {
    /** Who logged in (set by POST /login). */
    username?: string;
  }
}

/**
 * The accounts that can log in: replace this with your database (keep password hashes, never
 * passwords). The demo account `demo` / `harpia` exists unless `NODE_ENV=production`.
 */
const accounts = new Map<string, string>();
if (process.env.NODE_ENV !== "production") accounts.set("demo", await Bun.password.hash("harpia"));

/** Whether the demo account exists (the login page then says how to use it). */
export const hasDemoAccount = accounts.has("demo");

/** Checked when the name is unknown, so that a wrong name takes as long as a wrong password. */
const NO_ACCOUNT = await Bun.password.hash(crypto.randomUUID());

/** Whether `password` is the password of the account `username`. */
export async function checkLogin(username: string, password: string): Promise<boolean> {
  const hash = accounts.get(username);
  const matches = await Bun.password.verify(password, hash ?? NO_ACCOUNT);
  return hash !== undefined && matches;
}
