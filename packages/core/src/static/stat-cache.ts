import { stat } from "node:fs/promises";

/** What a static mount needs to know about a path on disk. */
export interface FileInfo {
  kind: "file" | "directory" | "other";
  size: number;
  mtimeMs: number;
}

/** Options of the stat cache of a static mount. */
export interface StatCacheOptions {
  /** Most paths remembered; the least recently used is forgotten beyond it (default 1,000). */
  maxEntries?: number;
  /**
   * Seconds a result (including "not found") is trusted before the disk is asked again
   * (default 1). A file changed on disk is seen after at most this long.
   */
  ttlSeconds?: number;
}

/** Errors that mean "nothing servable here", as opposed to a fault worth reporting. */
const MISSING = new Set(["ENOENT", "ENOTDIR", "ENAMETOOLONG", "EACCES", "EPERM", "EINVAL", "ELOOP"]);

/** Reads a path's metadata; `null` when there is nothing to serve there. */
export async function statPath(path: string): Promise<FileInfo | null> {
  try {
    const stats = await stat(path);
    return {
      kind: stats.isFile() ? "file" : stats.isDirectory() ? "directory" : "other",
      size: stats.size,
      mtimeMs: stats.mtimeMs,
    };
  } catch (error) {
    if (MISSING.has((error as NodeJS.ErrnoException).code ?? "")) return null;
    throw error;
  }
}

interface Entry {
  info: FileInfo | null;
  expiresAt: number;
}

/**
 * A bounded, short-lived cache of `stat` results, least recently used evicted first, so hot
 * files cost no system call per request and a flood of missing paths cannot grow memory.
 */
export class StatCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;

  constructor(options: StatCacheOptions = {}) {
    const { maxEntries = 1000, ttlSeconds = 1 } = options;
    if (typeof maxEntries !== "number" || !Number.isInteger(maxEntries) || maxEntries <= 0)
      throw new TypeError(`statCache.maxEntries must be a positive integer, got ${String(maxEntries)}`);
    if (typeof ttlSeconds !== "number" || !Number.isFinite(ttlSeconds) || ttlSeconds < 0)
      throw new TypeError(`statCache.ttlSeconds must be a number of seconds >= 0, got ${String(ttlSeconds)}`);
    this.maxEntries = maxEntries;
    this.ttlMs = ttlSeconds * 1000;
  }

  /** Number of remembered paths. */
  get size(): number {
    return this.entries.size;
  }

  /** The metadata of `path`: a fresh cached answer synchronously (no microtask per request), else a stat. */
  get(path: string): FileInfo | null | Promise<FileInfo | null> {
    const now = Date.now();
    const cached = this.entries.get(path);
    if (cached !== undefined) {
      this.entries.delete(path);
      if (cached.expiresAt > now) {
        this.entries.set(path, cached);
        return cached.info;
      }
    }
    return this.refresh(path, now);
  }

  private async refresh(path: string, now: number): Promise<FileInfo | null> {
    const info = await statPath(path);
    if (this.ttlMs > 0) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(path, { info, expiresAt: now + this.ttlMs });
    }
    return info;
  }
}
