/**
 * `bun run release`: publishes every package whose version is not on the registry yet.
 *
 * 1. Refuses a working tree with changes or untracked files, and pending changesets (run
 *    `bun run changeset version`, review, commit, then release).
 * 2. Runs every test (`bun run test`).
 * 3. Builds and packs every package (scripts/pack.ts), checks the tarballs (scripts/check-packs.ts)
 *    and installs them in a fresh project (scripts/consumer-check.ts).
 * 4. Publishes those exact tarballs with `bun publish <tarball>` — never `changeset publish`,
 *    which would ship `workspace:` ranges under Bun — core first, and tags each published
 *    package `@harpia/<name>@<version>` on the current commit (push the tags yourself:
 *    `git push --tags`).
 *
 * Usage: `bun scripts/publish.ts [--dry-run] [--registry <url>] [--skip-tests]`
 * - `--dry-run`: everything but the upload and the tags (`bun publish --dry-run`); needs no
 *   credentials.
 * - `--registry`: another registry (default: `NPM_CONFIG_REGISTRY` or npmjs.org).
 * - `--skip-tests`: for testing this script only; CI has run the tests on the same commit.
 *
 * `HARPIA_PACK_PREBUILT=1` packs the `dist` folders as they are (tests of this script only).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pendingChangesets } from "./check-changesets";
import { checkPacks } from "./check-packs";
import { consumerCheck } from "./consumer-check";
import { type Packed, packAll } from "./pack";
import { root, run } from "./workspace";

type Options = { dryRun: boolean; registry: string; skipTests: boolean };

function parseArgs(argv: string[]): Options {
  const options: Options = {
    dryRun: false,
    registry: process.env.NPM_CONFIG_REGISTRY ?? "https://registry.npmjs.org/",
    skipTests: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--dry-run") options.dryRun = true;
    else if (arg === "--skip-tests") options.skipTests = true;
    else if (arg === "--registry" && argv[i + 1]) options.registry = argv[++i]!;
    else
      fail(
        `unknown argument ${arg}\nusage: bun scripts/publish.ts [--dry-run] [--registry <url>] [--skip-tests]`,
      );
  }
  if (!options.registry.endsWith("/")) options.registry += "/";
  return options;
}

function fail(message: string): never {
  console.error(`✗ ${message}`);
  process.exit(1);
}

/** Whether `name@version` is already on the registry. */
async function isPublished(
  name: string,
  version: string,
  registry: string,
  dryRun: boolean,
): Promise<boolean> {
  const url = new URL(name.replace("/", "%2f"), registry);
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/vnd.npm.install-v1+json" } });
  } catch (error) {
    if (dryRun) {
      console.warn(
        `! cannot reach ${registry} (${(error as Error).message}); assuming ${name}@${version} is new`,
      );
      return false;
    }
    throw error;
  }
  if (response.status === 404) return false;
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  const metadata = (await response.json()) as { versions?: Record<string, unknown> };
  return metadata.versions?.[version] !== undefined;
}

/** Core first: the others have it as a peer dependency. */
function publishOrder(packed: Packed[]): Packed[] {
  return [...packed].sort((a, b) => Number(b.name === "@harpia/core") - Number(a.name === "@harpia/core"));
}

async function release(options: Options): Promise<void> {
  const status = run(["git", "status", "--porcelain"]);
  if (status.code !== 0) fail(`git status failed: ${status.stderr}`);
  if (status.stdout.trim() !== "")
    fail(`the working tree has uncommitted changes; commit or stash them first:\n${status.stdout}`);
  const pending = pendingChangesets();
  if (pending.length > 0)
    fail(
      `${pending.length} pending changesets (${pending.map((f) => path.basename(f)).join(", ")}): ` +
        "run `bun run changeset version`, review and commit the versions and changelogs, then release",
    );

  if (options.skipTests) console.log("── tests skipped (--skip-tests)");
  else {
    console.log("── bun run test");
    const tests = Bun.spawnSync(["bun", "run", "test"], { cwd: root, stdout: "inherit", stderr: "inherit" });
    if (tests.exitCode !== 0) fail("the tests failed");
  }

  console.log("── build and pack");
  const outDir = mkdtempSync(path.join(tmpdir(), "harpia-release-"));
  try {
    const packed = await packAll(outDir);
    const problems = await checkPacks(packed);
    if (problems.length > 0) fail(`the tarballs are not fit to publish:\n${problems.join("\n")}`);
    console.log("── consumer check");
    const consumer = await consumerCheck(packed);
    if (consumer.length > 0) fail(`the consumer check failed:\n${consumer.join("\n")}`);

    console.log(`── publish to ${options.registry}${options.dryRun ? " (dry run)" : ""}`);
    const tags: string[] = [];
    for (const pkg of publishOrder(packed)) {
      const id = `${pkg.name}@${pkg.version}`;
      if (await isPublished(pkg.name, pkg.version, options.registry, options.dryRun)) {
        console.log(`= ${id} is already published`);
        continue;
      }
      const args = ["bun", "publish", pkg.tarball, "--access", "public", "--registry", options.registry];
      if (options.dryRun) args.push("--dry-run");
      // `bun publish --dry-run` still asks for a token it never sends.
      const env = options.dryRun ? { NPM_CONFIG_TOKEN: process.env.NPM_CONFIG_TOKEN || "dry-run" } : {};
      const published = run(args, { env });
      if (published.code !== 0) fail(`bun publish ${id} failed:\n${published.stdout}${published.stderr}`);
      console.log(`→ ${id}${options.dryRun ? " (dry run)" : ""}`);
      if (options.dryRun) {
        console.log(`  would tag ${id}`);
        continue;
      }
      const tag = run(["git", "tag", id]);
      if (tag.code !== 0) fail(`${id} is published, but git tag failed: ${tag.stderr}`);
      tags.push(id);
    }
    if (tags.length > 0) console.log(`\nTagged ${tags.join(", ")}. Push the tags: git push --tags`);
    else if (!options.dryRun) console.log("\nNothing new to publish.");
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await release(parseArgs(process.argv.slice(2)));
