import { Router } from "@harpia/core";
import { FileRouteError } from "./errors";
import { parseRouteKey } from "./route-key";
import type { FileMiddleware } from "./types";

/** One route of a route class, validated and ready to register. */
export interface ClassRoute {
  method: string;
  path: string;
  key: string;
  handlerName: string;
  handler: (...args: any[]) => unknown;
  middleware: FileMiddleware[];
}

const fail = (file: string, message: string, key?: string, cause?: unknown): never => {
  throw new FileRouteError(`file-router: ${file}: ${message}`, { file, key, cause });
};

function isClass(value: Function): boolean {
  return Function.prototype.toString.call(value).startsWith("class");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The instance a module's default export stands for: the instance itself, or `new Class()`. */
export function instantiate(exported: unknown, file: string): Record<string, unknown> {
  if (exported === undefined) {
    fail(file, "has no default export; export a route class (or an instance of one) as default");
  }
  if (typeof exported === "function") {
    if (!isClass(exported)) {
      fail(
        file,
        "the default export is a function; export a class or an instance (`export default new class {...}`)",
      );
    }
    try {
      return new (exported as new () => Record<string, unknown>)();
    } catch (error) {
      fail(
        file,
        `constructing the default-exported class failed: ${(error as Error)?.message}`,
        undefined,
        error,
      );
    }
  }
  if (!isRecord(exported)) fail(file, "the default export must be a route class or an instance of one");
  return exported as Record<string, unknown>;
}

/** Methods defined by the instance's classes (own fields excluded), to know what to bind. */
function classMethods(instance: object): Set<Function> {
  const methods = new Set<Function>();
  for (let proto = Object.getPrototypeOf(instance); proto && proto !== Object.prototype; ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = Object.getOwnPropertyDescriptor(proto, name)?.value;
      if (name !== "constructor" && typeof value === "function") methods.add(value);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return methods;
}

/** A route method looked up by name; never something every object inherits (`toString`...). */
function lookupMethod(instance: Record<string, unknown>, name: string): Function | undefined {
  if (name === "constructor" || name in Object.prototype) return undefined;
  const value = instance[name];
  return typeof value === "function" ? value : undefined;
}

/** Binds class methods to their instance, keeping any route options they carry. */
function bindTo(fn: Function, instance: object, methods: Set<Function>): (...args: any[]) => unknown {
  if (!methods.has(fn) && !Object.values(instance).includes(fn)) return fn as (...args: any[]) => unknown;
  const bound = fn.bind(instance);
  for (const symbol of Object.getOwnPropertySymbols(fn)) bound[symbol] = (fn as any)[symbol];
  return bound;
}

/**
 * Validates a route class and resolves every route's middleware with the seed's precedence:
 * `middleware` keys are applied top to bottom, each matching key (`'*'` or the route
 * method's name) replacing what an earlier one gave.
 */
export function readRouteClass(instance: Record<string, unknown>, file: string): ClassRoute[] {
  const routes = instance.routes;
  if (!isRecord(routes))
    fail(file, "the route class has no `routes` map (e.g. routes = { 'get /hello': 'hello' })");
  const methods = classMethods(instance);
  const found: ClassRoute[] = [];
  for (const [key, target] of Object.entries(routes as Record<string, unknown>)) {
    const parsed = parseRouteKey(key);
    if (typeof parsed === "string") fail(file, `route key '${key}' is malformed: ${parsed}`, key);
    const { method, path } = parsed as Exclude<typeof parsed, string>;
    if (typeof target !== "string")
      fail(file, `route '${key}' must name a method of the class (a string)`, key);
    const handler = lookupMethod(instance, target as string);
    if (handler === undefined) {
      fail(file, `route '${key}' names method '${String(target)}', which the class does not define`, key);
    }
    try {
      Router().on(method, path, () => {}); // core's pattern check, before anything is registered
    } catch (error) {
      fail(file, `route '${key}' has an invalid path: ${(error as Error).message}`, key, error);
    }
    found.push({
      method,
      path,
      key,
      handlerName: target as string,
      handler: bindTo(handler!, instance, methods),
      middleware: [],
    });
  }

  const middleware = instance.middleware;
  if (middleware === undefined) return found;
  if (!isRecord(middleware)) fail(file, "`middleware` must be a map of method name (or '*') to middleware");
  const routed = new Set(found.map((r) => r.handlerName));
  for (const [key, value] of Object.entries(middleware as Record<string, unknown>)) {
    if (key !== "*" && !routed.has(key)) {
      fail(
        file,
        `middleware key '${key}' names no route method of this file (routed: ${[...routed].join(", ") || "none"})`,
        key,
      );
    }
    const list = typeof value === "function" ? [value] : value;
    if (!Array.isArray(list)) fail(file, `middleware '${key}' must be an array of functions`, key);
    (list as unknown[]).forEach((fn, i) => {
      if (typeof fn !== "function") fail(file, `middleware '${key}' item #${i + 1} is not a function`, key);
    });
    const chain = (list as Function[]).map((fn) => bindTo(fn, instance, methods) as FileMiddleware);
    for (const route of found) if (key === "*" || key === route.handlerName) route.middleware = chain;
  }
  return found;
}
