/**
 * Helpers for this package's tests: template files in a temporary directory.
 * Not exported from the package.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TemplateEngine, type TemplateEngineOptions } from "../../src/engine";

/** A temporary directory of template files, removed by `remove()`. */
export class TemplateDir {
  readonly root = mkdtempSync(path.join(tmpdir(), "harpia-templates-"));

  constructor(files: Record<string, string> = {}) {
    for (const [file, content] of Object.entries(files)) this.write(file, content);
  }

  /** Writes `content` to `file` (relative to the root), creating folders. */
  write(file: string, content: string): string {
    const target = path.join(this.root, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    return target;
  }

  /** Absolute path of `file`. */
  path(file = ""): string {
    return path.join(this.root, file);
  }

  /** An engine over `views/`, `layouts/` and `components/` of this directory. */
  engine(options: Partial<TemplateEngineOptions> = {}): TemplateEngine {
    return new TemplateEngine({
      ...options,
      path: {
        views: this.path("views"),
        layouts: this.path("layouts"),
        components: this.path("components"),
        ...options.path,
      },
    });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

let counter = 0;

/**
 * Renders `source` as a view (written to a fresh file under `dir`), with `files` written first
 * (layouts, components, imports).
 */
export async function renderSource(
  dir: TemplateDir,
  source: string,
  data: Record<string, any> = {},
  setup?: (engine: TemplateEngine) => void,
): Promise<string> {
  const name = `inline-${++counter}`;
  dir.write(`views/${name}.html`, source);
  const engine = dir.engine();
  setup?.(engine);
  return engine.render(name, data);
}
