import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDemo, type Demo } from "../../src/app";
import type { DemoOptions } from "../../src/settings";

/** A demo with memory stores and its own upload folder, removed by `cleanup()`. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo & { cleanup(): Promise<void> }> {
  const uploadDir = await mkdtemp(path.join(tmpdir(), "harpia-demo-test-"));
  const demo = await createDemo({
    listen: false,
    accessLog: false,
    development: true,
    uploadDir,
    ...options,
  });
  return Object.assign(demo, {
    async cleanup() {
      await demo.close();
      await rm(uploadDir, { recursive: true, force: true });
    },
  });
}
