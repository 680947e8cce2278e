import { describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { postpack, prepack, publishedManifest } from "./pack-manifest";
import { root, run } from "./workspace";

const source = {
  name: "@harpia/example",
  version: "0.1.0",
  sideEffects: ["./src/augment.ts", "./dist/augment.js"],
  exports: {
    ".": { types: "./dist/index.d.ts", "harpia-source": "./src/index.ts", import: "./dist/index.js" },
    "./augment": { "harpia-source": "./src/augment.ts", import: "./dist/augment.js" },
  },
  publishConfig: { access: "public", sideEffects: ["./dist/augment.js"] },
  scripts: { build: "tsup", prepack: "bun ../../scripts/pack-manifest.ts prepack" },
  peerDependencies: { "@harpia/core": "workspace:^" },
  devDependencies: { "@harpia/core": "workspace:*" },
};

describe("publishedManifest", () => {
  test("drops the source condition, scripts and devDependencies; publishConfig fields win", () => {
    expect(publishedManifest(source)).toEqual({
      name: "@harpia/example",
      version: "0.1.0",
      sideEffects: ["./dist/augment.js"],
      exports: {
        ".": { types: "./dist/index.d.ts", import: "./dist/index.js" },
        "./augment": { import: "./dist/augment.js" },
      },
      publishConfig: { access: "public" },
      peerDependencies: { "@harpia/core": "workspace:^" },
    });
    expect(source.exports["."]["harpia-source"]).toBe("./src/index.ts"); // the input is untouched
  });

  test("refuses a manifest that would still point into src/", () => {
    expect(() => publishedManifest({ ...source, main: "./src/index.ts" })).toThrow("src/");
    expect(() => publishedManifest({ ...source, publishConfig: { access: "public" } })).toThrow(
      "./src/augment.ts",
    );
  });
});

describe("prepack / postpack", () => {
  test("swap the manifest and put the original back byte for byte, even after an interrupted pack", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "harpia-prepack-"));
    const original = `${JSON.stringify(source, null, 4)}\n`; // formatting must survive too
    writeFileSync(path.join(dir, "package.json"), original);
    process.env.HARPIA_PACK_PREBUILT = "1";
    try {
      await prepack(dir);
      const published = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
      expect(JSON.stringify(published)).not.toContain("harpia-source");
      // A pack that died before postpack: the next prepack starts from the real source again.
      await prepack(dir);
      expect(JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"))).toEqual(published);
      postpack(dir);
      expect(readFileSync(path.join(dir, "package.json"), "utf8")).toBe(original);
      expect(existsSync(path.join(dir, "package.json.source"))).toBe(false);
    } finally {
      delete process.env.HARPIA_PACK_PREBUILT;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("bun pm pack in a package without dist builds it first", () => {
  const pkg = path.join(root, "packages", "test-client");
  const dist = path.join(pkg, "dist");
  const aside = path.join(pkg, `dist.aside-${process.pid}`);
  const out = mkdtempSync(path.join(tmpdir(), "harpia-pack-"));
  if (existsSync(dist)) renameSync(dist, aside);
  try {
    const pack = run(["bun", "pm", "pack", "--destination", out, "--quiet"], { cwd: pkg });
    expect(pack.code).toBe(0);
    const [tarball] = readdirSync(out);
    const listing = run(["tar", "-tzf", path.join(out, tarball!)]).stdout.split("\n");
    expect(listing).toContain("package/dist/index.js");
    expect(listing).toContain("package/dist/index.d.ts");
    expect(run(["git", "status", "--porcelain", "--", path.join(pkg, "package.json")]).stdout).toBe("");
    expect(existsSync(path.join(pkg, "package.json.source"))).toBe(false);
  } finally {
    if (existsSync(aside)) {
      rmSync(dist, { recursive: true, force: true });
      renameSync(aside, dist);
    }
    rmSync(out, { recursive: true, force: true });
  }
}, 120_000);
