/**
 * `bun create harpia my-app` as a user runs it, from the packed tarballs (CI, after the consumer
 * check):
 *
 * 1. a registry on 127.0.0.1 serves the `create-harpia` tarball, and `bun create harpia my-app
 *    --no-install` runs against it (Bun fetches the package and runs its bin, as `bunx` does;
 *    its install cache is a temporary folder, so nothing of this run is reused later);
 * 2. the generated app's `@harpia/*` dependencies, `^<version>` as written, are pointed at the
 *    other tarballs with `overrides` (they are not on the registry before a release), then
 *    `bun install` (`@types/bun` and `typescript` from the npm registry);
 * 3. its own `bun test`, and `tsc --noEmit` with `skipLibCheck: false` (every shipped `.d.ts`);
 * 4. `bun start` with `PORT=0`: `/` and `/healthz` are fetched, then SIGTERM must end it (code 0).
 *
 * Usage: `bun scripts/create-check.ts [--packs <dir>] [--keep]`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { packsForCli } from "./check-packs";
import type { Packed } from "./pack";
import { run, runAsync } from "./workspace";

/** The scaffolder's package name (`bun create harpia` runs `create-harpia`). */
const SCAFFOLDER = "create-harpia";
/** How long the started app gets to print its URL, and to end after SIGTERM. */
const SERVER_WAIT_MS = 15_000;

/** Serves one package the way the npm registry does: its packument and its tarball. */
async function serveRegistry(pkg: Packed) {
  const manifest = JSON.parse(run(["tar", "-xzOf", pkg.tarball, "package/package.json"]).stdout);
  const bytes = await Bun.file(pkg.tarball).bytes();
  const integrity = `sha512-${new Bun.CryptoHasher("sha512").update(bytes).digest("base64")}`;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const { pathname } = new URL(req.url);
      if (pathname === `/${pkg.name}`) {
        const version = { ...manifest, dist: { tarball: new URL("/package.tgz", req.url).href, integrity } };
        return Response.json({
          name: pkg.name,
          "dist-tags": { latest: pkg.version },
          versions: { [pkg.version]: version },
        });
      }
      if (pathname === "/package.tgz") return new Response(bytes);
      return Response.json({ error: "Not found" }, { status: 404 });
    },
  });
  return { url: server.url.href, stop: () => server.stop(true) };
}

type Step = {
  name: string;
  cmd: string[];
  cwd: string;
  env?: Record<string, string | undefined>;
  expect?: RegExp;
};

/** Runs the whole check; returns the problems found (empty when the generated app works). */
export async function createCheck(
  packed: Packed[],
  options: { keep?: boolean; log?: (line: string) => void } = {},
): Promise<string[]> {
  const log = options.log ?? console.log;
  const scaffolder = packed.find((p) => p.name === SCAFFOLDER);
  if (!scaffolder) return [`no ${SCAFFOLDER} tarball among the packs`];
  const libraries = packed.filter((p) => p.name.startsWith("@harpia/"));
  const dir = mkdtempSync(path.join(tmpdir(), "harpia-create-"));
  const app = path.join(dir, "my-app");
  const problems: string[] = [];
  const exec = async (step: Step): Promise<boolean> => {
    const started = performance.now();
    const result = await runAsync(step.cmd, { cwd: step.cwd, env: { NODE_ENV: undefined, ...step.env } });
    const output = `${result.stdout}${result.stderr}`.trim();
    const ok = result.code === 0 && (!step.expect || step.expect.test(output));
    log(`${ok ? "✓" : "✗"} ${step.name} (${seconds(started)})`);
    if (!ok) problems.push(`${step.name} (exit ${result.code}):\n${output}`);
    return ok;
  };
  const registry = await serveRegistry(scaffolder);
  try {
    const cache = path.join(dir, "bun-cache");
    mkdirSync(cache);
    const created = await exec({
      name: "bun create harpia my-app --no-install (create-harpia from a local registry)",
      cmd: ["bun", "create", "harpia", "my-app", "--no-install"],
      cwd: dir,
      env: { BUN_CONFIG_REGISTRY: registry.url, BUN_INSTALL_CACHE_DIR: cache },
      expect: /Created a Harpia app in my-app/,
    });
    registry.stop();
    if (!created) return problems;

    const manifestPath = path.join(app, "package.json");
    const manifest = await Bun.file(manifestPath).json();
    const ranges = { ...manifest.dependencies, ...manifest.devDependencies } as Record<string, string>;
    const wrong = Object.entries(ranges).filter(
      ([name, range]) => name.startsWith("@harpia/") && range !== `^${scaffolder.version}`,
    );
    if (manifest.name !== "my-app" || wrong.length > 0 || !existsSync(path.join(app, ".gitignore")))
      problems.push(
        `the generated package.json or .gitignore is off: name ${manifest.name}, ` +
          `ranges not ^${scaffolder.version}: ${JSON.stringify(wrong)}, .gitignore: ${existsSync(path.join(app, ".gitignore"))}`,
      );
    manifest.overrides = Object.fromEntries(libraries.map((p) => [p.name, `file:${p.tarball}`]));
    await Bun.write(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const tsconfigPath = path.join(app, "tsconfig.json");
    const tsconfig = await Bun.file(tsconfigPath).text();
    const strict = tsconfig.replace(/"skipLibCheck":\s*true/, '"skipLibCheck": false');
    if (strict === tsconfig)
      problems.push(`the app's tsconfig.json has no "skipLibCheck": true:\n${tsconfig}`);
    await Bun.write(tsconfigPath, strict);

    if (
      !(await exec({ name: "bun install (@harpia/* from the tarballs)", cmd: ["bun", "install"], cwd: app }))
    )
      return problems;
    await exec({
      name: "bun test (the app's own tests)",
      cmd: ["bun", "test"],
      cwd: app,
      expect: /\b[1-9]\d* pass\b[\s\S]*\b0 fail\b/,
    });
    await exec({
      name: "tsc --noEmit (skipLibCheck: false)",
      cmd: [path.join(app, "node_modules", ".bin", "tsc"), "--noEmit", "--pretty", "false"],
      cwd: app,
    });
    const start = manifest.scripts?.start;
    if (typeof start !== "string" || !/^bun [\w./-]+$/.test(start))
      problems.push(`the app's start script should be "bun <file>", not ${JSON.stringify(start)}`);
    else await serve(app, start, problems, log);
    return problems;
  } finally {
    registry.stop();
    if (options.keep || (problems.length > 0 && process.env.CI === undefined)) log(`project kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The app's `start` script on a free port: `/` and `/healthz` answer, SIGTERM ends it with code
 * 0. The script's command is run directly rather than through `bun run`, so that the signals
 * reach the server itself and a server that ignores SIGTERM is killed by its own PID.
 */
async function serve(
  app: string,
  start: string,
  problems: string[],
  log: (line: string) => void,
): Promise<void> {
  const started = performance.now();
  const name = `start script (${start}) with PORT=0: GET / and /healthz, then SIGTERM`;
  const env: Record<string, string | undefined> = { ...process.env, PORT: "0", FORCE_COLOR: "0" };
  delete env.NODE_ENV;
  const proc = Bun.spawn(start.split(/\s+/), { cwd: app, env, stdout: "pipe", stderr: "pipe" });
  const stderr = new Response(proc.stderr).text();
  const failures: string[] = [];
  let output = "";
  try {
    const url = await firstUrl(proc.stdout, (text) => {
      output += text;
    });
    if (url === undefined) {
      failures.push(`it printed no URL within ${SERVER_WAIT_MS / 1000} s`);
      return;
    }
    const home = await fetch(url);
    const homeText = await home.text();
    if (home.status !== 200 || !homeText.includes("Hello from Harpia"))
      failures.push(`GET / answered ${home.status}: ${homeText.slice(0, 300)}`);
    const health = await fetch(new URL("/healthz", url));
    const healthText = await health.text();
    if (health.status !== 200 || healthText !== '{"status":"ok"}')
      failures.push(`GET /healthz answered ${health.status}: ${healthText}`);
    proc.kill("SIGTERM");
    const code = await Promise.race([proc.exited, Bun.sleep(SERVER_WAIT_MS).then(() => "timeout" as const)]);
    if (code === "timeout") failures.push(`still running ${SERVER_WAIT_MS / 1000} s after SIGTERM`);
    else if (code !== 0) failures.push(`exit code ${code} after SIGTERM`);
  } catch (error) {
    failures.push(String(error));
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    await proc.exited;
    output += await stderr;
    log(`${failures.length === 0 ? "✓" : "✗"} ${name} (${seconds(started)})`);
    if (failures.length > 0) problems.push(`${name}: ${failures.join("; ")}\n${output.trim()}`);
  }
}

/** The first `http://...` URL the stream prints, or `undefined` after {@link SERVER_WAIT_MS}. */
async function firstUrl(
  stream: ReadableStream<Uint8Array>,
  onText: (text: string) => void,
): Promise<string | undefined> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Bun.sleep(SERVER_WAIT_MS).then(() => undefined);
  try {
    while (true) {
      const chunk = await Promise.race([reader.read(), deadline]);
      if (chunk === undefined || chunk.done) return undefined;
      const piece = decoder.decode(chunk.value, { stream: true });
      onText(piece);
      text += piece;
      const url = /https?:\/\/\S+/.exec(text)?.[0];
      if (url !== undefined) return url;
    }
  } finally {
    reader.releaseLock();
  }
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

if (import.meta.main) {
  const started = performance.now();
  const { packed, cleanup } = await packsForCli(process.argv);
  const problems = await createCheck(packed, { keep: process.argv.includes("--keep") });
  cleanup();
  for (const problem of problems) console.error(`\n✗ ${problem}`);
  console.log(
    `create-harpia check: ${problems.length === 0 ? "passed" : `${problems.length} problems`} (${seconds(started)})`,
  );
  process.exit(problems.length > 0 ? 1 : 0);
}
