import { expect, test } from "bun:test";
import path from "node:path";

// Declaration merging changes types for a whole program, so the check compiles a separate one.
// A whole tsc run: seconds on an idle machine, more under load, hence the long timeout.
test("declaring SessionFields types req.session and the Session API", () => {
  const root = path.resolve(import.meta.dir, "..");
  const tsc = path.resolve(root, "../../node_modules/.bin/tsc");
  const result = Bun.spawnSync([tsc, "-p", path.join(root, "type-tests")], { cwd: root });
  expect(result.stdout.toString() + result.stderr.toString()).toBe("");
  expect(result.exitCode).toBe(0);
}, 60_000); // a whole tsc run: seconds on a quiet machine, much more under load
