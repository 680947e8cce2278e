import { builtinModules } from "node:module";

/** Longest npm package name. */
const MAX_LENGTH = 214;
/** Names npm refuses whatever their form. */
const RESERVED = new Set(["node_modules", "favicon.ico"]);
/** Characters npm no longer accepts in new package names. */
const SPECIAL = /[~'!()*]/;

/**
 * The problems that keep `name` from being a new npm package name (empty when it is valid),
 * by npm's rules (those of `validate-npm-package-name` for new packages): at most 214
 * characters, lowercase, URL-safe, not starting with `.` or `_`, no spaces or `~'!()*`, not a
 * Node built-in module (`http`, `fs`...) nor `node_modules` / `favicon.ico`. A scoped name
 * (`@scope/name`) follows the same rules for each part.
 *
 * @example
 * packageNameProblems("my-app"); // []
 * packageNameProblems("My App"); // ["it has uppercase letters", "it has spaces", ...]
 */
export function packageNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length === 0) return ["it is empty"];
  if (name.length > MAX_LENGTH) problems.push(`it is longer than ${MAX_LENGTH} characters`);
  if (name.trim() !== name) problems.push("it starts or ends with spaces");
  if (/^[._]/.test(name)) problems.push('it starts with "." or "_"');
  if (name.toLowerCase() !== name) problems.push("it has uppercase letters");
  if (/\s/.test(name.trim())) problems.push("it has spaces");
  if (SPECIAL.test(name)) problems.push("it has one of ~'!()*");
  if (RESERVED.has(name.toLowerCase())) problems.push(`"${name}" is reserved`);
  if (builtinModules.includes(name.toLowerCase())) problems.push(`"${name}" is a Node built-in module`);
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name);
  const parts = scoped ? [scoped[1]!, scoped[2]!] : [name];
  if (scoped?.[2]?.startsWith(".") || scoped?.[2]?.startsWith("_"))
    problems.push('the name after the scope starts with "." or "_"');
  if (parts.some((part) => encodeURIComponent(part) !== part))
    problems.push("it has characters that are not URL-safe (use letters, digits, -, . and _)");
  return problems;
}
