/**
 * Sets of UTF-16 code units as sorted, disjoint `[low, high]` ranges, for reasoning about route
 * constraints (which characters a part of a regex can match) at registration.
 */
export type CharSet = readonly (readonly [number, number])[];

const MAX = 0xffff;

/** Sorts and merges ranges. */
export function normalize(ranges: (readonly [number, number])[]): CharSet {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [low, high] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && low <= last[1] + 1) last[1] = Math.max(last[1], high);
    else out.push([low, high]);
  }
  return out;
}

/** Every code unit not in `set`. */
export function complement(set: CharSet): CharSet {
  const out: [number, number][] = [];
  let next = 0;
  for (const [low, high] of set) {
    if (low > next) out.push([next, low - 1]);
    next = high + 1;
  }
  if (next <= MAX) out.push([next, MAX]);
  return out;
}

/** Whether two sets share a code unit. */
export function intersects(a: CharSet, b: CharSet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [aLow, aHigh] = a[i]!;
    const [bLow, bHigh] = b[j]!;
    if (aHigh < bLow) i++;
    else if (bHigh < aLow) j++;
    else return true;
  }
  return false;
}

/** Whether `set` holds `code`. */
export function has(set: CharSet, code: number): boolean {
  return set.some(([low, high]) => low <= code && code <= high);
}

const DIGIT: CharSet = [[0x30, 0x39]];
const WORD: CharSet = normalize([
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
]);
const SPACE: CharSet = normalize([
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
]);

/** `\d`, `\w`, `\s` and their negations, as JavaScript reads them without the `u` or `i` flags. */
export function classEscape(letter: "d" | "D" | "w" | "W" | "s" | "S"): CharSet {
  const base = letter.toLowerCase() === "d" ? DIGIT : letter.toLowerCase() === "w" ? WORD : SPACE;
  return letter === letter.toLowerCase() ? base : complement(base);
}

/** What `.` matches without the `s` flag: everything but line terminators. */
export const DOT: CharSet = complement(
  normalize([
    [0x0a, 0x0a],
    [0x0d, 0x0d],
    [0x2028, 0x2029],
  ]),
);
