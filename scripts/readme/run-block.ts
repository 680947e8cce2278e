/**
 * Runs one README program (` ```ts run `): every `Bun.serve` it starts listens on port 0 of
 * 127.0.0.1 whatever port it asked for, so examples keep their `port: 3000`. Once the program's
 * top level has finished, the probe paths are requested in order (cookies carried along, like a
 * browser) and must answer below 400; then the servers are stopped and the process exits. A
 * program that starts no server must end by itself.
 *
 * Usage: `bun scripts/readme/run-block.ts <file> [probe-path...]`, from the folder holding the
 * README's blocks (the project root the README's relative paths assume).
 */
import type { Server } from "bun";

const [file, ...probes] = process.argv.slice(2);
if (!file) {
  console.error("usage: bun scripts/readme/run-block.ts <file> [probe-path...]");
  process.exit(2);
}

const servers: Server<unknown>[] = [];
const serve = Bun.serve;
(Bun as { serve: unknown }).serve = (options: Parameters<typeof Bun.serve>[0]) => {
  const local = "unix" in options && options.unix ? options : { ...options, port: 0, hostname: "127.0.0.1" };
  const server = serve(local as Parameters<typeof Bun.serve>[0]);
  servers.push(server as Server<unknown>);
  return server;
};

await import(file);

if (servers.length === 0) {
  if (probes.length > 0) {
    console.error(`probes ${probes.join(", ")} given, but the program started no server`);
    process.exit(1);
  }
} else {
  let failed = false;
  const cookies = new Map<string, string>();
  for (const probe of probes) {
    const url = new URL(probe, servers[0]!.url);
    const headers = new Headers();
    if (cookies.size > 0) headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(url, { headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const expired =
        attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || pair.slice(eq + 1).trim() === "";
      if (expired) cookies.delete(name);
      else cookies.set(name, pair.slice(eq + 1).trim());
    }
    const body = await response.text();
    const ok = response.status < 400;
    console.log(`probe GET ${probe} → ${response.status}`);
    if (!ok) {
      failed = true;
      console.error(`GET ${probe} answered ${response.status}: ${body.slice(0, 300)}`);
    }
  }
  for (const server of servers) server.stop(true);
  process.exit(failed ? 1 : 0);
}
