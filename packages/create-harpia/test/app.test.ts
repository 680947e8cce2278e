import { afterAll, beforeAll, expect, test } from "bun:test";
import path from "node:path";
import { create, REPO, tempDir } from "./support";

/**
 * The generated app, linked to this repository's package sources instead of installed
 * tarballs: its tests must pass and it must type-check. (scripts/create-check.ts does the same
 * from the packed tarballs, with the app's tsconfig as written and tsc.)
 */
const { dir, remove } = tempDir();
const app = path.join(dir, "my-app");

beforeAll(async () => {
  const result = await create(["my-app", "--no-install"], dir);
  if (result.code !== 0) throw new Error(`create-harpia failed:\n${result.stdout}${result.stderr}`);
  // JSONC: bun init's tsconfig has comments.
  const tsconfig = Bun.JSONC.parse(await Bun.file(path.join(app, "tsconfig.json")).text()) as {
    compilerOptions: Record<string, unknown>;
  };
  Object.assign(tsconfig.compilerOptions, {
    skipLibCheck: false,
    // @harpia/* from the sources (Bun reads tsconfig paths too), the rest from the repository.
    paths: {
      "@harpia/core/utils": [path.join(REPO, "packages/core/src/utils/index.ts")],
      "@harpia/core/testing": [path.join(REPO, "packages/core/src/testing/index.ts")],
      "@harpia/*": [path.join(REPO, "packages/*/src/index.ts")],
    },
    customConditions: ["harpia-source"],
    typeRoots: [path.join(REPO, "node_modules/@types")],
    // The packages' sources are type-checked with the repository's libraries (DOM included);
    // the app's own `lib` is checked against the published .d.ts by scripts/create-check.ts.
    lib: ["ESNext", "DOM", "DOM.Iterable"],
  });
  await Bun.write(path.join(app, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
});
afterAll(() => remove());

async function runIn(cwd: string, cmd: string[]): Promise<{ code: number; output: string }> {
  const env: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: "0" };
  delete env.NODE_ENV;
  const proc = Bun.spawn(cmd, { cwd, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, output: `${stdout}${stderr}` };
}

test("the generated app's own tests pass", async () => {
  const { code, output } = await runIn(app, ["bun", "test"]);
  expect(output).toMatch(/\b[1-9]\d* pass\b/);
  expect(output).toContain(" 0 fail");
  expect(code).toBe(0);
}, 60_000);

test("the generated app type-checks (strict, noUncheckedIndexedAccess, skipLibCheck false)", async () => {
  const { code, output } = await runIn(app, ["bun", "check", "--no-script"]);
  expect(output).toContain("No type errors");
  expect(code).toBe(0);
}, 60_000);
