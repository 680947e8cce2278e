import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { changesetProblems, pendingChangesets } from "./check-changesets";
import { copyRepo, removeCopy } from "./testing/repo-copy";
import { publishablePackages, root, run } from "./workspace";

const packages = new Set(["@harpia/core", "@harpia/shield", "@harpia/session", "create-harpia"]);

describe("changeset files", () => {
  test("a well-formed changeset passes", () => {
    expect(
      changesetProblems(
        '---\n"@harpia/core": patch\n"@harpia/shield": minor\n---\n\nFixed a thing.\n',
        packages,
      ),
    ).toEqual([]);
  });

  test("the scaffolder's unscoped name is a package name like the others", () => {
    expect(changesetProblems('---\n"create-harpia": minor\n---\n\nNew package.\n', packages)).toEqual([]);
    expect(changesetProblems('---\n"create-nope": minor\n---\n\nx\n', packages)).toHaveLength(1);
  });

  test("the frontmatter a Markdown formatter made of it is refused", () => {
    const formatted = '---\n\n## "@harpia/shield": minor\n\nNew package.\n';
    expect(changesetProblems(formatted, packages)).not.toEqual([]);
  });

  test("an unclosed frontmatter is refused", () => {
    expect(changesetProblems('---\n"@harpia/session": minor\n\nNew package.\n', packages)).toEqual([
      'the frontmatter is never closed by a "---" line',
    ]);
  });

  test("a blank line before the frontmatter, unknown packages, bad bumps and no summary are refused", () => {
    expect(changesetProblems('\n---\n"@harpia/core": patch\n---\n\nx\n', packages)).toHaveLength(1);
    expect(changesetProblems('---\n"@harpia/nope": patch\n---\n\nx\n', packages)[0]).toContain(
      "@harpia/nope",
    );
    expect(changesetProblems('---\n"@harpia/core": huge\n---\n\nx\n', packages)).toHaveLength(1);
    expect(changesetProblems('---\n"@harpia/core": patch\n---\n\n', packages)).toEqual([
      "has no summary after the frontmatter",
    ]);
  });

  test("every pending changeset of the repository is well-formed", async () => {
    const names = new Set((await publishablePackages()).map((p) => p.name));
    for (const file of pendingChangesets())
      expect({
        file: path.basename(file),
        problems: changesetProblems(readFileSync(file, "utf8"), names),
      }).toEqual({
        file: path.basename(file),
        problems: [],
      });
  });
});

test("biome, with the repository's configuration, leaves changesets alone", () => {
  // Biome 2 formats Markdown and turns `---\n"pkg": minor\n---` into a thematic break and a
  // `## "pkg": minor` heading, which the changesets CLI cannot read.
  const dir = mkdtempSync(path.join(tmpdir(), "harpia-biome-"));
  try {
    mkdirSync(path.join(dir, ".changeset"));
    writeFileSync(path.join(dir, "biome.json"), readFileSync(path.join(root, "biome.json")));
    writeFileSync(path.join(dir, ".gitignore"), "");
    const changeset = '---\n"@harpia/shield": minor\n---\n\nNew package.\n';
    writeFileSync(path.join(dir, ".changeset", "shield.md"), changeset);
    expect(run(["git", "init", "-q", "."], { cwd: dir }).code).toBe(0);
    const biome = run([path.join(root, "node_modules", ".bin", "biome"), "check", "--write", "."], {
      cwd: dir,
    });
    expect(biome.code).toBe(0);
    expect(readFileSync(path.join(dir, ".changeset", "shield.md"), "utf8")).toBe(changeset);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("version policy: one version for every package while 0.x (changesets fixed group)", () => {
  let copy: string;
  const changesetBin = path.join(root, "node_modules", "@changesets", "cli", "bin.js");

  beforeAll(() => {
    copy = copyRepo();
  });
  afterAll(() => removeCopy(copy));

  /**
   * Resets the copy, replaces its pending changesets with one and runs `changeset version`;
   * returns the packages before and after.
   */
  async function version(changeset: string) {
    run(["git", "checkout", "-q", "--", "."], { cwd: copy });
    run(["git", "clean", "-qfd"], { cwd: copy });
    const before = await publishablePackages(copy);
    for (const file of pendingChangesets(copy)) rmSync(file);
    writeFileSync(path.join(copy, ".changeset", "sample.md"), changeset);
    const result = run(["bun", "--bun", changesetBin, "version"], { cwd: copy });
    expect(result.stderr + result.stdout).toContain("All files have been updated");
    expect(result.code).toBe(0);
    return { before, after: await publishablePackages(copy) };
  }

  test("a minor of core moves every package to the same new minor; peer ranges stay workspace:^", async () => {
    const { before, after } = await version(
      '---\n"@harpia/core": minor\n---\n\nA breaking change in core.\n',
    );
    const [major, minor] = before[0]!.version.split(".").map(Number);
    const next = `${major}.${minor! + 1}.0`;
    for (const pkg of after) {
      expect({ name: pkg.name, version: pkg.version }).toEqual({ name: pkg.name, version: next });
      // `bun pm pack` publishes `workspace:^` as `^<next>`: a sibling that stops supporting the
      // previous core minor does so in a minor release of its own, never in a patch.
      for (const [dep, range] of Object.entries<string>(pkg.manifest.peerDependencies ?? {}))
        if (dep.startsWith("@harpia/")) expect({ dep, range }).toEqual({ dep, range: "workspace:^" });
    }
  });

  test("a patch of one sibling moves every package to the same patch", async () => {
    const { before, after } = await version('---\n"@harpia/template-engine": patch\n---\n\nA fix.\n');
    const [major, minor, patch] = before[0]!.version.split(".").map(Number);
    for (const pkg of after)
      expect({ name: pkg.name, version: pkg.version }).toEqual({
        name: pkg.name,
        version: `${major}.${minor}.${patch! + 1}`,
      });
  });
});
