import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { EXAMPLE, renderHarpiaConf, writeStandalone } from "../nginx/render";

const dir = mkdtempSync(path.join(tmpdir(), "harpia-nginx-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("deploy/nginx/harpia.conf is the template rendered with the example settings", () => {
  const committed = readFileSync(path.join(import.meta.dir, "..", "nginx", "harpia.conf"), "utf8");
  expect(renderHarpiaConf(EXAMPLE)).toBe(committed);
});

test("nginx accepts the rendered configuration (nginx -t)", () => {
  const { command } = writeStandalone(dir, EXAMPLE);
  const result = Bun.spawnSync([...command, "-t"], { stderr: "pipe", timeout: 10_000 });
  expect(result.stderr.toString()).toContain("syntax is ok");
  expect(result.exitCode).toBe(0);
});

test("every instance gets max_fails and fail_timeout, and nginx tries each once", () => {
  const conf = renderHarpiaConf({
    listen: 80,
    instances: ["10.0.0.11:3000", "10.0.0.12:3000"],
    failTimeout: "4s",
  });
  expect(conf).toContain("    server 10.0.0.11:3000 max_fails=1 fail_timeout=4s;\n");
  expect(conf).toContain("    server 10.0.0.12:3000 max_fails=1 fail_timeout=4s;\n");
  expect(conf).toContain("proxy_next_upstream_tries 2;");
  expect(conf).toContain("listen 80;");
  expect(conf).not.toContain("{{");
});

test("settings nginx would misread are refused, naming the setting", () => {
  expect(() => renderHarpiaConf({ listen: 80, instances: [] })).toThrow(/instances/);
  expect(() => renderHarpiaConf({ listen: 80, instances: ["app-1"] })).toThrow(/instances: "app-1"/);
  expect(() => renderHarpiaConf({ listen: 80, instances: ["a:1"], failTimeout: "5 seconds" })).toThrow(
    /failTimeout/,
  );
  expect(() => renderHarpiaConf({ listen: "80; evil", instances: ["a:1"] })).toThrow(/listen/);
  expect(() => renderHarpiaConf({ listen: 80, instances: ["a:1"], upstream: "x y" })).toThrow(/upstream/);
});
