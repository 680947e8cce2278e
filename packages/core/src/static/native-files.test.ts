import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STATIC_MOUNT } from "../symbols";
import { NATIVE_LIMITS, sameFiles, scanNativeFiles } from "./native-files";
import { createStaticHandler, type StaticOptions } from "./serve-static";

const PAST = new Date("2024-03-01T12:00:00Z");
let root: string;
/** A folder with more files than the table takes. */
let many: string;

function put(relative: string, time: Date = PAST, base = root): void {
  const path = join(base, relative);
  writeFileSync(path, relative);
  utimesSync(path, time, time);
}

const mount = (dir: string, options: StaticOptions = {}) => createStaticHandler(dir, options)[STATIC_MOUNT];
const urls = (files: Map<string, unknown>) => [...files.keys()].sort();

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "harpia-native-files-"));
  mkdirSync(join(root, "sub"));
  for (const name of ["a.txt", "sub/b.css", ".env", "a b.txt", "x:y.txt"]) put(name);
  put("fresh.txt", new Date());
  symlinkSync(join(root, "a.txt"), join(root, "link.txt"));
  many = mkdtempSync(join(tmpdir(), "harpia-native-many-"));
  for (let i = 0; i < NATIVE_LIMITS.files + 5; i++) put(`${String(i).padStart(4, "0")}.txt`, PAST, many);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(many, { recursive: true, force: true });
});

describe("scanNativeFiles", () => {
  test("takes plain files the mount serves as they are, and nothing else", () => {
    const files = scanNativeFiles([
      mount(join(root, "sub"), { prefix: "/css" }),
      mount(root, { prefix: "/files" }),
    ]);
    const found = urls(files);
    // Not: dotfiles, names a URL would encode or Bun would read as a pattern, symbolic links,
    // a file modified less than a second ago (its ETag is still weak).
    expect(found).toEqual(["/css/b.css", "/files/a.txt", "/files/sub/b.css"]);
    expect(files.get("/css/b.css")).toMatchObject({
      path: join(root, "sub", "b.css"),
      size: "sub/b.css".length,
    });
  });

  test("dotfiles are taken when the mount allows them", () => {
    const files = scanNativeFiles([mount(root, { dotfiles: "allow", prefix: "/p" })]);
    expect(files.has("/p/.env")).toBe(true);
  });

  test("is bounded: at most NATIVE_LIMITS.files files over all mounts", () => {
    const files = scanNativeFiles([mount(many), mount(root, { prefix: "/more" })]);
    expect(files.size).toBe(NATIVE_LIMITS.files);
    expect(files.has("/more/a.txt")).toBe(false);
  });

  test("a path under an earlier mount's prefix is left to the JS path, which tries that mount first", () => {
    const files = scanNativeFiles([mount(join(root, "sub"), { prefix: "/sub" }), mount(root)]);
    expect(files.has("/sub/b.css")).toBe(true);
    expect(files.get("/sub/b.css")?.path).toBe(join(root, "sub", "b.css"));
    expect(files.has("/a.txt")).toBe(true);
    // The first mount covers every path: the second one's files are its misses, for the JS path.
    expect(urls(scanNativeFiles([mount(join(root, "sub")), mount(root)]))).toEqual(["/b.css"]);
    // Another kind of fallback could claim anything: nothing after it is taken.
    expect(scanNativeFiles([undefined, mount(root)]).size).toBe(0);
  });

  test("mounts that opt out, precompress or do not cache metadata are not scanned", () => {
    for (const options of [{ native: false }, { precompressed: true }, { statCache: false as const }]) {
      expect(mount(root, options).native).toBe(false);
      expect(scanNativeFiles([mount(root, options)]).size).toBe(0);
    }
  });

  test("an unchanged file keeps its entry; a changed one gets a new one", () => {
    const mounts = [mount(join(root, "sub"))];
    const first = scanNativeFiles(mounts);
    const again = scanNativeFiles(mounts, first);
    expect(sameFiles(first, again)).toBe(true);
    const later = new Date("2024-03-05T12:00:00Z");
    utimesSync(join(root, "sub", "b.css"), later, later);
    const changed = scanNativeFiles(mounts, again);
    expect(sameFiles(again, changed)).toBe(false);
    expect(changed.get("/b.css")?.mtimeMs).toBe(later.getTime());
  });
});
