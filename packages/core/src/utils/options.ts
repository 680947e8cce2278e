/**
 * Checks a plugin's options argument once, where the plugin is made: an options object whose
 * keys are all known (pass `options ?? {}` when the options are optional). A misspelt option (`tokn`) would
 * otherwise be ignored without a word.
 *
 * @param options - what the caller passed
 * @param caller - how the error names the call, e.g. `"metrics()"`
 * @param known - the option names the plugin reads
 * @param hint - said after "takes an options object" when `options` is not one
 * @returns `options`, checked
 * @throws TypeError naming the call and the first unknown option
 *
 * @example
 * const opts = checkOptionKeys(options ?? {}, "poweredBy()", ["name"]);
 * // checkOptionKeys({ nme: "x" }, "poweredBy()", ["name"]) →
 * // TypeError: poweredBy(): unknown option "nme" (expected name)
 */
export function checkOptionKeys<T extends object>(
  options: T,
  caller: string,
  known: Iterable<string>,
  hint = "",
): T {
  if (options === null || typeof options !== "object" || Array.isArray(options))
    throw new TypeError(`${caller} takes an options object${hint}`);
  const names = known instanceof Set ? (known as ReadonlySet<string>) : new Set(known);
  for (const key of Object.keys(options))
    if (!names.has(key))
      throw new TypeError(`${caller}: unknown option "${key}" (expected ${[...names].join(", ")})`);
  return options;
}
