import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { TEMPLATE_DIR } from "../src/scaffold";
import { create, filesIn, tempDir, VERSION } from "./support";

/** What every generated app holds. */
const APP_FILES = [
  ".gitignore",
  "README.md",
  "package.json",
  "src/app.ts",
  "src/http/api/hello.ts",
  "src/http/auth.ts",
  "src/http/home.ts",
  "src/server.ts",
  "src/users.ts",
  "src/views/layouts/main.html",
  "src/views/pages/home.html",
  "src/views/pages/login.html",
  "test/app.test.ts",
  "tsconfig.json",
];

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});
function workDir(): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  return dir;
}

describe("create-harpia <folder> --no-install", () => {
  test("writes the template with the app's name and ^<version> on every @harpia/* package", async () => {
    const cwd = workDir();
    const result = await create(["my-app", "--no-install"], cwd);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Created a Harpia app in my-app");
    // Next steps: cd, the install it skipped, the scripts.
    expect(result.stdout).toMatch(/cd my-app\n\s+bun install\n\s+bun run dev/);

    const app = path.join(cwd, "my-app");
    expect(filesIn(app)).toEqual(APP_FILES);
    const manifest = JSON.parse(readFileSync(path.join(app, "package.json"), "utf8"));
    expect(manifest.name).toBe("my-app");
    expect(Object.keys(manifest.scripts).sort()).toEqual(["dev", "start", "test", "typecheck"]);
    const harpia = Object.entries<string>({ ...manifest.dependencies, ...manifest.devDependencies }).filter(
      ([name]) => name.startsWith("@harpia/"),
    );
    expect(harpia.map(([name]) => name).sort()).toEqual([
      "@harpia/core",
      "@harpia/file-router",
      "@harpia/preset",
      "@harpia/request-id",
      "@harpia/session",
      "@harpia/shield",
      "@harpia/template-engine",
      "@harpia/test-client",
    ]);
    for (const [, range] of harpia) expect(range).toBe(`^${VERSION}`);
    expect(readFileSync(path.join(app, "README.md"), "utf8")).toStartWith("# my-app\n");
    expect(existsSync(path.join(app, "node_modules"))).toBe(false);
    // Every other file is the template's, byte for byte (.gitignore ships as _gitignore).
    for (const file of APP_FILES.filter((f) => f !== "package.json" && f !== "README.md")) {
      const source = file === ".gitignore" ? "_gitignore" : file;
      expect(readFileSync(path.join(app, file))).toEqual(readFileSync(path.join(TEMPLATE_DIR, source)));
    }
  });

  test("writes into an existing empty folder, or one holding only .git; '.' is the current folder", async () => {
    const cwd = workDir();
    mkdirSync(path.join(cwd, "empty"));
    expect((await create(["empty", "--no-install"], cwd)).code).toBe(0);
    expect(filesIn(path.join(cwd, "empty"))).toEqual(APP_FILES);

    mkdirSync(path.join(cwd, "repo", ".git"), { recursive: true });
    writeFileSync(path.join(cwd, "repo", ".git", "HEAD"), "ref: refs/heads/main\n");
    expect((await create(["repo", "--no-install"], cwd)).code).toBe(0);
    expect(filesIn(path.join(cwd, "repo"))).toEqual([".git/HEAD", ...APP_FILES].sort());

    mkdirSync(path.join(cwd, "here"));
    const here = await create([".", "--no-install"], path.join(cwd, "here"));
    expect(here.code).toBe(0);
    expect(here.stdout).not.toContain("cd ");
    expect(JSON.parse(readFileSync(path.join(cwd, "here", "package.json"), "utf8")).name).toBe("here");
  });
});

describe("refusals: nothing is written", () => {
  test("a folder that is not empty", async () => {
    const cwd = workDir();
    mkdirSync(path.join(cwd, "my-app"));
    writeFileSync(path.join(cwd, "my-app", "notes.txt"), "keep me");
    const result = await create(["my-app", "--no-install"], cwd);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is not empty (notes.txt): nothing was written");
    expect(readdirSync(path.join(cwd, "my-app"))).toEqual(["notes.txt"]);
  });

  test("a file in the way", async () => {
    const cwd = workDir();
    writeFileSync(path.join(cwd, "my-app"), "");
    const result = await create(["my-app", "--no-install"], cwd);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("exists and is not a folder");
  });

  test("a folder name that is not a valid npm package name", async () => {
    const cwd = workDir();
    for (const name of ["My-App", "my app", "http", ".hidden"]) {
      const result = await create([name, "--no-install"], cwd);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`"${name}" cannot be the app's package name`);
    }
    expect(readdirSync(cwd)).toEqual([]);
  });

  test("usage errors exit with 2 and print the usage", async () => {
    const cwd = workDir();
    for (const args of [[], ["--no-install"], ["a", "b"], ["my-app", "--force"]]) {
      const result = await create(args, cwd);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("Usage: bun create harpia <folder>");
    }
    expect(readdirSync(cwd)).toEqual([]);
  });
});

test("--help and --version", async () => {
  const cwd = workDir();
  const help = await create(["--help"], cwd);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("--no-install");
  const version = await create(["-v"], cwd);
  expect(version.stdout.trim()).toBe(VERSION);
});

test("without --no-install it runs bun install in the app, and says so when that fails", async () => {
  // A registry that has nothing: bun install fails fast, without the network.
  const requested: string[] = [];
  const registry = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      requested.push(decodeURIComponent(new URL(req.url).pathname));
      return new Response("{}", { status: 404 });
    },
  });
  try {
    const cwd = workDir();
    const cache = path.join(cwd, "cache");
    const result = await create(["my-app"], cwd, {
      BUN_CONFIG_REGISTRY: registry.url.href,
      BUN_INSTALL_CACHE_DIR: cache,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Installing dependencies with bun install");
    expect(result.stderr).toContain("bun install failed in my-app; the files are there");
    expect(requested.some((p) => p.startsWith("/@harpia/"))).toBe(true);
    expect(filesIn(path.join(cwd, "my-app"))).toEqual(APP_FILES);
  } finally {
    registry.stop(true);
  }
});
