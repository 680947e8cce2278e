/**
 * The packages as a consumer gets them: a fresh project outside the workspace, made by
 * `bun init -y` in a temporary folder, installs the packed tarballs (`bun add <file>.tgz`, the
 * documented way to try Harpia before a release) and then:
 *
 * 1. runs a hello world: an app listening on port 0, fetched over HTTP;
 * 2. loads every package and uses them together (one `@harpia/core` instance: shield's augment
 *    and the session middleware act on the same app; the typed client calls it in process);
 * 3. runs `bun test` with `@harpia/test-client`;
 * 4. type-checks with `tsc --noEmit` on bun init's own tsconfig (no DOM lib) with
 *    `skipLibCheck: false`, so every shipped `.d.ts` is checked, and with the project's own
 *    `typecheck` script (`bun check`).
 *
 * Needs the npm registry (bun init installs `@types/bun` and `typescript`), nothing else.
 * Usage: `bun scripts/consumer-check.ts [--packs <dir>] [--keep]`.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { packsForCli } from "./check-packs";
import type { Packed } from "./pack";
import { run } from "./workspace";

const HELLO = `import harpia from "@harpia/core";

const app = harpia();
app.get("/", (req, res) => res.send("Hello, World!"));
app.get("/users/:id", (req, res) => res.json({ id: req.params.id }));

const server = app.listen({ port: 0, hostname: "127.0.0.1" });
const hello = await fetch(new URL("/", server.url));
const user = await fetch(new URL("/users/42", server.url));
console.log(hello.status, await hello.text(), user.status, JSON.stringify(await user.json()));
await server.stop();
`;

const EVERYTHING = `import { createClient, type Success, type Unexpected } from "@harpia/client";
import { generateRoutes } from "@harpia/client/generate";
import harpia, { MemoryStore } from "@harpia/core";
import { fileRoutes } from "@harpia/file-router";
import { openapi } from "@harpia/openapi";
import { Preset } from "@harpia/preset";
import { CSRF, Session } from "@harpia/session";
import { shield } from "@harpia/shield";
import "@harpia/shield/augment";
import { RedisStore } from "@harpia/store-redis";
import { Telemetry } from "@harpia/telemetry";
import { TemplateEngine } from "@harpia/template-engine";
import { TestClient } from "@harpia/test-client";

declare module "@harpia/session" {
  interface SessionFields {
    visits: number;
  }
}

const store = new MemoryStore();
const session = new Session({ store });
const app = harpia();
app.shield({ useNonce: true });
app.use(session.middleware());
app.use(openapi({ info: { title: "Consumer", version: "1.0.0" } }));
app.get("/", (req, res) => {
  req.session.visits = (req.session.visits ?? 0) + 1;
  res.json({ visits: req.session.visits, nonce: typeof res.locals.nonce });
});

const client = new TestClient(app, { cookies: true });
await client.get("/").execute();
const second = await client.get("/").execute();
const body = (await second.json()) as { visits: number; nonce: string };
const csp = second.headers.get("content-security-policy") ?? "";
if (second.status !== 200 || body.visits !== 2 || body.nonce !== "string" || !csp.includes("nonce-"))
  throw new Error(\`unexpected answer: \${second.status} \${JSON.stringify(body)} \${csp}\`);

// The document, and Swagger UI's bundle read from the consumer's node_modules (swagger-ui-dist).
const spec = (await (await client.get("/openapi.json").execute()).json()) as { paths: Record<string, unknown> };
const bundle = await client.get("/docs/swagger-ui-bundle.js").execute();
if (!("/" in spec.paths) || bundle.status !== 200 || (await bundle.text()).length < 100_000)
  throw new Error(\`openapi: unexpected document or docs bundle: \${JSON.stringify(spec.paths)} \${bundle.status}\`);

// The typed client over app.fetch, and its generator on the document.
const api = createClient<{ "GET /": { input: {}; response: Success<200, { visits: number }> | Unexpected } }>({
  fetch: app.fetch,
});
const viaClient = await api.get("/");
if (!viaClient.ok || viaClient.data.visits !== 1 || !generateRoutes(spec).includes('"GET /": {'))
  throw new Error(\`client: unexpected answer \${viaClient.status} or routes\`);

const loaded = [fileRoutes, Preset, CSRF, shield, RedisStore, Telemetry, TemplateEngine];
if (loaded.some((value) => typeof value !== "function")) throw new Error("an export is missing");
store.close();
console.log("every package loaded; session and shield work on one app");
`;

const TEST = `import { expect, test } from "bun:test";
import harpia from "@harpia/core";
import { TestClient } from "@harpia/test-client";

const app = harpia();
app.get("/hello", (req, res) => res.status(401).json({ message: "Unauthorized" }));
app.post("/user", (req, res) => res.status(201).json(req.body));

test("GET /hello returns status 401", async () => {
  const response = await new TestClient(app).get("/hello").query("number", "123456").execute();
  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ message: "Unauthorized" });
});

test("POST /user returns status 201", async () => {
  const response = await new TestClient(app).post("/user").json({ name: "John", age: 30 }).execute();
  expect(response.status).toBe(201);
  expect(await response.json()).toEqual({ name: "John", age: 30 });
});

test("send() takes any body Bun accepts", async () => {
  const body: Bun.BodyInit = new Blob(["raw"]);
  const response = await new TestClient(app).post("/user").set("content-type", "text/plain").send(body).execute();
  expect(response.status).toBe(201);
});
`;

const TYPES = `import type { TestRequest } from "@harpia/test-client";

declare const request: TestRequest;
// @ts-expect-error a number is not a request body (unused if the parameter degraded to any)
request.send(42);
`;

type Step = { name: string; cmd: string[]; expect?: RegExp };

/** Runs the whole check; returns the problems found (empty when the consumer's view is fine). */
export async function consumerCheck(
  packed: Packed[],
  options: { keep?: boolean; log?: (line: string) => void } = {},
): Promise<string[]> {
  const log = options.log ?? console.log;
  const dir = mkdtempSync(path.join(tmpdir(), "harpia-consumer-"));
  const problems: string[] = [];
  const exec = (step: Step): boolean => {
    const started = performance.now();
    const result = run(step.cmd, { cwd: dir, env: { NODE_ENV: undefined } });
    const output = `${result.stdout}${result.stderr}`.trim();
    const ok = result.code === 0 && (!step.expect || step.expect.test(output));
    log(`${ok ? "✓" : "✗"} ${step.name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    if (!ok) problems.push(`${step.name} (exit ${result.code}):\n${output}`);
    return ok;
  };
  try {
    if (!exec({ name: "bun init -y", cmd: ["bun", "init", "-y"] })) return problems;
    const tsconfigPath = path.join(dir, "tsconfig.json");
    const tsconfig = await Bun.file(tsconfigPath).text();
    const strict = tsconfig.replace(/"skipLibCheck":\s*true/, '"skipLibCheck": false');
    if (strict === tsconfig) {
      problems.push(`bun init's tsconfig.json has no "skipLibCheck": true to turn off:\n${tsconfig}`);
      return problems;
    }
    await Bun.write(tsconfigPath, strict);
    // A tarball's own dependencies on siblings (preset → health) resolve to the other tarballs,
    // as they would to the registry once published.
    const manifestPath = path.join(dir, "package.json");
    const manifest = await Bun.file(manifestPath).json();
    manifest.overrides = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
    await Bun.write(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    if (!exec({ name: "bun add <tarballs>", cmd: ["bun", "add", ...packed.map((p) => p.tarball)] }))
      return problems;
    if (!existsSync(path.join(dir, "node_modules", ".bin", "tsc")))
      exec({ name: "bun add -d typescript", cmd: ["bun", "add", "-d", "typescript"] });
    await Bun.write(path.join(dir, "index.ts"), HELLO);
    await Bun.write(path.join(dir, "everything.ts"), EVERYTHING);
    await Bun.write(path.join(dir, "app.test.ts"), TEST);
    await Bun.write(path.join(dir, "types.ts"), TYPES);
    exec({
      name: "hello world on port 0",
      cmd: ["bun", "index.ts"],
      expect: /^200 Hello, World! 200 \{"id":"42"\}$/m,
    });
    exec({ name: "every package, one app", cmd: ["bun", "everything.ts"], expect: /every package loaded/ });
    exec({ name: "bun test with @harpia/test-client", cmd: ["bun", "test"], expect: /\b3 pass\b/ });
    exec({
      name: "tsc --noEmit (skipLibCheck: false)",
      cmd: [path.join("node_modules", ".bin", "tsc"), "--noEmit", "--pretty", "false"],
    });
    exec({ name: "bun run typecheck (bun init's script: bun check)", cmd: ["bun", "run", "typecheck"] });
    return problems;
  } finally {
    if (options.keep || (problems.length > 0 && process.env.CI === undefined)) log(`project kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { packed, cleanup } = await packsForCli(process.argv);
  const problems = await consumerCheck(packed, { keep: process.argv.includes("--keep") });
  cleanup();
  for (const problem of problems) console.error(`\n✗ ${problem}`);
  console.log(`consumer check: ${problems.length === 0 ? "passed" : `${problems.length} problems`}`);
  process.exit(problems.length > 0 ? 1 : 0);
}
