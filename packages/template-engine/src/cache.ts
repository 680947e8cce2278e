import { stat } from "node:fs/promises";
import { buildRenderFunction, type DependencyRequest, dependenciesOf } from "./compiler/compile";
import { locate, TemplateError, TemplateNotFoundError } from "./errors";
import type { Linked, RenderFunction } from "./runtime";
import { parseTemplate } from "./template/parser";

/** One template file in the cache. Compiled templates point at their dependencies' entries. */
export class TemplateEntry implements Linked {
  compiled: { render: RenderFunction } | undefined;
  /** Layout, imports and components, as resolved at the last compile. */
  dependencies: { entry: TemplateEntry; kind: DependencyRequest["kind"]; unconditional: boolean }[] = [];
  /** True once this template and everything it reaches compiled without error. */
  ready = false;
  /** The compile error, kept in production so a broken template is not re-read on every request. */
  failure: unknown;
  private stamp: string | undefined;
  private loading: Promise<void> | undefined;

  constructor(readonly file: string) {}

  /** Compiles the file if it was never compiled, or (in development) if it changed on disk. */
  async load(cache: TemplateCache, development: boolean): Promise<void> {
    if (!development) {
      if (this.failure !== undefined) throw this.failure;
      if (this.compiled !== undefined) return;
    }
    while (this.loading !== undefined) await this.loading;
    let stamp: string;
    try {
      const info = await stat(this.file);
      stamp = `${info.mtimeMs}:${info.size}`;
    } catch {
      throw new TemplateNotFoundError("Template file", [this.file]);
    }
    if (this.compiled !== undefined && this.stamp === stamp) return;
    this.loading = this.compile(cache, stamp, development);
    try {
      await this.loading;
    } finally {
      this.loading = undefined;
    }
  }

  private async compile(cache: TemplateCache, stamp: string, development: boolean): Promise<void> {
    try {
      const source = await Bun.file(this.file).text();
      const ast = parseTemplate(source, this.file);
      const requests = dependenciesOf(ast);
      const entries: TemplateEntry[] = [];
      for (const request of requests) entries.push(await cache.dependency(this.file, source, request));
      const render = buildRenderFunction(ast, this.file, source, requests, entries);
      this.dependencies = requests.map((request, index) => ({
        entry: entries[index]!,
        kind: request.kind,
        unconditional: request.unconditional,
      }));
      this.compiled = { render };
      this.stamp = stamp;
      this.failure = undefined;
    } catch (error) {
      if (!development) this.failure = error;
      throw error;
    }
  }
}

/** Finds the file a layout, import or component name refers to (throws if it cannot be named). */
export type DependencyResolver = (request: DependencyRequest, from: string) => string;

/**
 * Compiled templates by absolute file path. Each file is read and compiled once; in
 * development every render checks modification time and size and recompiles what changed.
 * Holds at most `maxEntries` files: the oldest are dropped past that (templates that still
 * refer to a dropped entry keep using it).
 */
export class TemplateCache {
  private readonly entries = new Map<string, TemplateEntry>();

  constructor(
    private readonly resolve: DependencyResolver,
    private readonly exists: (file: string) => Promise<boolean>,
    private readonly maxEntries: number,
  ) {}

  /** The entry of `file`, created on first use. */
  entry(file: string): TemplateEntry {
    let entry = this.entries.get(file);
    if (entry === undefined) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      entry = new TemplateEntry(file);
      this.entries.set(file, entry);
    }
    return entry;
  }

  /** Forgets every compiled template. */
  clear(): void {
    this.entries.clear();
  }

  /** Number of cached files. */
  get size(): number {
    return this.entries.size;
  }

  /** @internal Resolves a dependency of `from`, failing with the directive's location when missing. */
  async dependency(from: string, source: string, request: DependencyRequest): Promise<TemplateEntry> {
    const where = { file: from, source, ...locate(source, request.start) };
    let file: string;
    try {
      file = this.resolve(request, from);
    } catch (error) {
      if (error instanceof TemplateError && error.file === undefined)
        throw new TemplateError(error.reason, where);
      throw error;
    }
    if (!(await this.exists(file)))
      throw new TemplateNotFoundError(`${capitalize(request.kind)} "${request.name}"`, [file], where);
    return this.entry(file);
  }

  /**
   * Makes `root` and everything it reaches ready to render. In production this does nothing
   * once the graph compiled; in development it re-checks every file of the graph.
   */
  async prepare(root: TemplateEntry, development: boolean): Promise<void> {
    if (root.ready && !development) return;
    const seen = new Set<TemplateEntry>();
    const pending = [root];
    while (pending.length > 0) {
      const entry = pending.pop()!;
      if (seen.has(entry)) continue;
      seen.add(entry);
      await entry.load(this, development);
      for (const dependency of entry.dependencies) pending.push(dependency.entry);
    }
    checkCycles(root);
    root.ready = true;
  }
}

/**
 * Fails on a cycle that every render would follow: a layout chain that comes back, or an
 * @import/@component outside any @if/@for/@block that includes itself again. Cycles behind a
 * condition are legitimate recursion (a tree rendering its children) and are bounded at
 * render time by `maxDepth` instead.
 */
function checkCycles(root: TemplateEntry): void {
  const done = new Set<TemplateEntry>();
  const path: { entry: TemplateEntry; via: string }[] = [];
  const visit = (entry: TemplateEntry, via: string) => {
    const repeat = path.findIndex((step) => step.entry === entry);
    if (repeat >= 0) {
      const chain = [...path.slice(repeat), { entry, via }]
        .map((step, index) => (index === 0 ? step.entry.file : `${step.via} ${step.entry.file}`))
        .join("\n      → ");
      throw new TemplateError(`Circular template reference; rendering would never end:\n      ${chain}`);
    }
    if (done.has(entry)) return;
    path.push({ entry, via });
    for (const dependency of entry.dependencies)
      if (dependency.unconditional) visit(dependency.entry, `@${dependency.kind}`);
    path.pop();
    done.add(entry);
  };
  visit(root, "");
}

function capitalize(text: string): string {
  return text[0]!.toUpperCase() + text.slice(1);
}
