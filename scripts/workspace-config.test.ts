import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import path from "node:path";
import { root } from "./workspace";

/** Every workspace package.json (packages/*, apps/*) that has a `test` script. */
async function testScripts(): Promise<{ name: string; script: string }[]> {
  const found: { name: string; script: string }[] = [];
  for (const group of ["packages", "apps"])
    for (const folder of readdirSync(path.join(root, group))) {
      const file = Bun.file(path.join(root, group, folder, "package.json"));
      if (!(await file.exists())) continue;
      const manifest = await file.json();
      if (manifest.scripts?.test) found.push({ name: manifest.name, script: manifest.scripts.test });
    }
  return found;
}

test("every package's tests run with a 20 s timeout (Bun's default is 5 s, and bunfig.toml cannot change it)", async () => {
  const scripts = await testScripts();
  expect(scripts.length).toBeGreaterThan(5);
  for (const { name, script } of scripts) {
    const timeout = Number(/--timeout[= ](\d+)/.exec(script)?.[1] ?? 0);
    expect({ name, timeout: timeout >= 20_000 }).toEqual({ name, timeout: true });
  }
});

test("every published package declares the Bun it needs and ships LICENSE", async () => {
  const license = await Bun.file(path.join(root, "LICENSE")).text();
  for (const folder of readdirSync(path.join(root, "packages"))) {
    const manifest = await Bun.file(path.join(root, "packages", folder, "package.json")).json();
    if (manifest.private) continue;
    expect({ name: manifest.name, engines: manifest.engines }).toEqual({
      name: manifest.name,
      engines: { bun: expect.stringMatching(/^>=1\.\d+/) },
    });
    expect(manifest.files).toContain("LICENSE");
    expect(await Bun.file(path.join(root, "packages", folder, "LICENSE")).text()).toBe(license);
  }
});
