/**
 * Renders the nginx configuration of the deployment from its templates.
 *
 *   bun deploy/nginx/render.ts --listen 80 --instance 10.0.0.11:3000 --instance 10.0.0.12:3000
 *       prints harpia.conf (http context) for those instances;
 *   bun deploy/nginx/render.ts --standalone /tmp/harpia-nginx [options]
 *       writes a whole configuration for an unprivileged nginx in that directory and prints the
 *       command that runs it.
 *
 * Options: --listen (default 8080), --instance host:port (repeatable; default
 * 127.0.0.1:3001-3003), --fail-timeout (5s), --keepalive-timeout (5s), --connect-timeout (2s).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const HERE = import.meta.dir;

/** What varies between deployments; everything else is in the templates. */
export interface NginxSettings {
  /** `listen` of the server block: a port, or `address:port`. */
  listen: string | number;
  /** The app instances, as `host:port`. */
  instances: readonly string[];
  /** The upstream's name (default `harpia`). */
  upstream?: string;
  /** How long a failed instance gets no traffic (default `5s`); above the app's DRAIN_MS. */
  failTimeout?: string;
  /** How long nginx keeps an idle upstream connection (default `5s`); below the app's idle timeout. */
  keepaliveTimeout?: string;
  /** `proxy_connect_timeout` (default `2s`). */
  connectTimeout?: string;
}

/** The settings `harpia.conf` (the file in this folder) is rendered with. */
export const EXAMPLE: NginxSettings = {
  listen: 8080,
  instances: ["127.0.0.1:3001", "127.0.0.1:3002", "127.0.0.1:3003"],
};

const DURATION = /^\d+(ms|s|m)?$/;
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

function duration(name: string, value: string | undefined, fallback: string): string {
  const chosen = value ?? fallback;
  if (!DURATION.test(chosen))
    throw new TypeError(`${name}: "${chosen}" is not an nginx duration (5s, 500ms)`);
  return chosen;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Template placeholder ${match} has no value`);
    return value;
  });
}

/** `harpia.conf`: the http-context part (upstream and server) for these settings. */
export function renderHarpiaConf(settings: NginxSettings): string {
  const upstream = settings.upstream ?? "harpia";
  if (!NAME.test(upstream)) throw new TypeError(`upstream: "${upstream}" is not a valid name`);
  const listen = String(settings.listen);
  if (!/^(\S+:)?\d{1,5}$/.test(listen)) throw new TypeError(`listen: "${listen}" is not [address:]port`);
  if (settings.instances.length === 0) throw new TypeError("instances: give at least one host:port");
  for (const instance of settings.instances)
    if (!HOST_PORT.test(instance)) throw new TypeError(`instances: "${instance}" is not host:port`);
  const failTimeout = duration("failTimeout", settings.failTimeout, "5s");
  const servers = settings.instances
    .map((instance) => `    server ${instance} max_fails=1 fail_timeout=${failTimeout};`)
    .join("\n");
  return fill(readFileSync(path.join(HERE, "harpia.conf.template"), "utf8"), {
    upstream,
    servers,
    listen,
    keepalive_timeout: duration("keepaliveTimeout", settings.keepaliveTimeout, "5s"),
    connect_timeout: duration("connectTimeout", settings.connectTimeout, "2s"),
    tries: String(settings.instances.length),
  });
}

/** The nginx executable: on the PATH, or in the sbin folders a non-root PATH may lack. */
export function nginxBinary(): string {
  return Bun.which("nginx", { PATH: `${process.env.PATH ?? ""}:/usr/sbin:/usr/local/sbin` }) ?? "nginx";
}

/** Options of {@link writeStandalone}. */
export interface StandaloneOptions {
  /** nginx worker processes (default 2). */
  workers?: number;
  /** Write an access log to `logs/access.log` (default: off). */
  accessLog?: boolean;
}

/**
 * Writes `nginx.conf` and `harpia.conf` into `dir` (with its `logs/` and `tmp/` folders) and
 * returns the command that runs nginx on them in the foreground.
 */
export function writeStandalone(
  dir: string,
  settings: NginxSettings,
  options: StandaloneOptions = {},
): { config: string; command: string[] } {
  const workers = options.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 1) throw new TypeError(`workers: ${workers} is not a count`);
  mkdirSync(path.join(dir, "logs"), { recursive: true });
  mkdirSync(path.join(dir, "tmp"), { recursive: true });
  const config = path.join(dir, "nginx.conf");
  writeFileSync(path.join(dir, "harpia.conf"), renderHarpiaConf(settings));
  writeFileSync(
    config,
    fill(readFileSync(path.join(HERE, "nginx.conf.template"), "utf8"), {
      workers: String(workers),
      access_log: options.accessLog ? "logs/access.log" : "off",
    }),
  );
  return {
    config,
    command: [nginxBinary(), "-p", dir, "-c", config, "-e", path.join(dir, "logs", "error.log")],
  };
}

function parseArgs(argv: string[]): { settings: NginxSettings; standalone: string | undefined } {
  const instances: string[] = [];
  let standalone: string | undefined;
  const settings: NginxSettings = { ...EXAMPLE };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (value === undefined) throw new TypeError(`${flag} needs a value`);
    i++;
    if (flag === "--listen") settings.listen = value;
    else if (flag === "--instance") instances.push(value);
    else if (flag === "--fail-timeout") settings.failTimeout = value;
    else if (flag === "--keepalive-timeout") settings.keepaliveTimeout = value;
    else if (flag === "--connect-timeout") settings.connectTimeout = value;
    else if (flag === "--standalone") standalone = path.resolve(value);
    else throw new TypeError(`Unknown option ${flag}`);
  }
  if (instances.length > 0) settings.instances = instances;
  return { settings, standalone };
}

if (import.meta.main) {
  try {
    const { settings, standalone } = parseArgs(process.argv.slice(2));
    if (standalone === undefined) process.stdout.write(renderHarpiaConf(settings));
    else {
      const { command } = writeStandalone(standalone, settings, { accessLog: true });
      console.log(`Wrote ${standalone}/nginx.conf and harpia.conf. Run:\n  ${command.join(" ")}`);
    }
  } catch (error) {
    console.error(`render: ${(error as Error).message}`);
    process.exit(1);
  }
}
