/**
 * Backtracking cost of a regex, decided from its position automaton (see `regex-automaton.ts`)
 * with the classic ambiguity criteria (Weber & Seidl; Allauzen, Mohri & Rastogi):
 *
 * - exponential: some position can return to itself along two different paths reading the same
 *   text — `(a+)+`, `(a|a)*`, `(\w+\s?)+`. A failing match then tries 2ⁿ ways.
 * - polynomial of degree k: a chain of k loops each of which can hand the same text to the next
 *   — `\d+\d+` (k = 1), `.*-.*-.*` (k = 2). A failing match tries about nᵏ⁺¹ ways.
 *
 * All of it runs once per constraint, at registration, with a work budget.
 */
import { type CharSet, intersects } from "./charset";
import { ConstraintRefused, type RegexAutomaton } from "./regex-automaton";

/** Steps the analysis may take for one constraint before giving up (and refusing it). */
const WORK_LIMIT = 2_000_000;

/** A countdown shared by the checks of one constraint. */
export class Budget {
  private left = WORK_LIMIT;
  spend(): void {
    if (--this.left < 0)
      throw new ConstraintRefused("it is too complex to check for catastrophic backtracking; simplify it");
  }
}

function intersection(a: CharSet, b: CharSet): CharSet {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [aLow, aHigh] = a[i]!;
    const [bLow, bHigh] = b[j]!;
    const low = Math.max(aLow, bLow);
    const high = Math.min(aHigh, bHigh);
    if (low <= high) out.push([low, high]);
    if (aHigh < bHigh) i++;
    else j++;
  }
  return out;
}

/** Tarjan's strongly connected components, iteratively; `comp[node]` is its component's index. */
function components(count: number, next: (node: number) => readonly number[]): Int32Array {
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const comp = new Int32Array(count).fill(-1);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  let counter = 0;
  let comps = 0;
  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [node, i] = frame;
      const out = next(node);
      if (i < out.length) {
        frame[1]++;
        const to = out[i]!;
        if (index[to] === -1) {
          index[to] = low[to] = counter++;
          stack.push(to);
          onStack[to] = 1;
          work.push([to, 0]);
        } else if (onStack[to]) low[node] = Math.min(low[node]!, index[to]!);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[node]!);
      }
      if (low[node] === index[node]) {
        for (;;) {
          const member = stack.pop()!;
          onStack[member] = 0;
          comp[member] = comps;
          if (member === node) break;
        }
        comps++;
      }
    }
  }
  return comp;
}

/**
 * Whether a failing match can take exponential time: in the automaton squared (pairs of
 * positions reading the same text), some strongly connected part holds both a pair (p, p) and
 * either a pair (p, q) with p ≠ q or a step taken along two different edges.
 */
export function isExponential(a: RegexAutomaton, budget = new Budget()): boolean {
  const n = a.sets.length;
  const ids = new Map<number, number>();
  const pairs: number[] = [];
  const edges: number[][] = [];
  const doubled: [number, number][] = [];
  const meets = (p: number, q: number) => p === q || intersects(a.sets[p]!, a.sets[q]!);
  const visit = (p: number, q: number): number => {
    const key = p * n + q;
    let id = ids.get(key);
    if (id === undefined) {
      id = pairs.length;
      ids.set(key, id);
      pairs.push(key);
      edges.push([]);
    }
    return id;
  };
  for (const p of a.start.first.keys()) for (const q of a.start.first.keys()) if (meets(p, q)) visit(p, q);
  for (let id = 0; id < pairs.length; id++) {
    const p = Math.floor(pairs[id]! / n);
    const q = pairs[id]! % n;
    for (const [p2, ways] of a.follow[p]!) {
      for (const q2 of a.follow[q]!.keys()) {
        budget.spend();
        if (!meets(p2, q2)) continue;
        const to = visit(p2, q2);
        edges[id]!.push(to);
        // From (p, p) to (p2, p2) along two different edges: two paths that never differ in position.
        if (p === q && p2 === q2 && ways > 1) doubled.push([id, to]);
      }
    }
  }
  const comp = components(pairs.length, (id) => edges[id]!);
  const diagonal = new Set<number>();
  const mixed = new Set<number>();
  for (let id = 0; id < pairs.length; id++) {
    const key = pairs[id]!;
    if (Math.floor(key / n) === key % n) diagonal.add(comp[id]!);
    else mixed.add(comp[id]!);
  }
  for (const c of diagonal) if (mixed.has(c)) return true;
  return doubled.some(([from, to]) => comp[from] === comp[to]);
}

/**
 * The degree k of polynomial backtracking (0: linear), assuming {@link isExponential} is false:
 * the longest chain of loops L1 → L2 → … where each hands the same text to the next, i.e. for
 * p in Li and q in Li+1 some text leads p → p, p → q and q → q.
 */
export function polynomialDegree(a: RegexAutomaton, budget = new Budget()): number {
  const n = a.sets.length;
  const next = a.follow.map((bag) => [...bag.keys()]);
  const comp = components(n, (p) => next[p]!);
  const members = new Map<number, number[]>();
  for (let p = 0; p < n; p++) {
    const list = members.get(comp[p]!) ?? [];
    list.push(p);
    members.set(comp[p]!, list);
  }
  const loops = [...members.entries()]
    .filter(([, list]) => list.length > 1 || a.follow[list[0]!]!.has(list[0]!))
    .map(([c]) => c);
  if (loops.length < 2) return 0;
  const reaches = (from: number): Set<number> => {
    const seen = new Set<number>([from]);
    const queue = [from];
    while (queue.length > 0) {
      for (const q of next[queue.pop()!]!) {
        if (seen.has(q)) continue;
        seen.add(q);
        queue.push(q);
      }
    }
    return seen;
  };
  // handsOver[c] = loops that loop c can hand the same text to.
  const handsOver = new Map<number, number[]>();
  for (const ci of loops) {
    const from = members.get(ci)!;
    const reachable = reaches(from[0]!);
    for (const cj of loops) {
      if (cj === ci || !reachable.has(members.get(cj)![0]!)) continue;
      if (from.some((p) => members.get(cj)!.some((q) => sharesText(a, comp, p, q, budget)))) {
        handsOver.set(ci, [...(handsOver.get(ci) ?? []), cj]);
      }
    }
  }
  const memo = new Map<number, number>();
  const chain = (c: number): number => {
    const known = memo.get(c);
    if (known !== undefined) return known;
    let best = 0;
    for (const d of handsOver.get(c) ?? []) best = Math.max(best, 1 + chain(d));
    memo.set(c, best);
    return best;
  };
  return Math.max(0, ...loops.map(chain));
}

/** Whether one text leads p → p, p → q and q → q: a path (p, p, q) ⇝ (p, q, q) in the automaton cubed. */
function sharesText(a: RegexAutomaton, comp: Int32Array, p: number, q: number, budget: Budget): boolean {
  const n = a.sets.length;
  const cp = comp[p]!;
  const cq = comp[q]!;
  const key = (x: number, y: number, z: number) => (x * n + y) * n + z;
  const goal = key(p, q, q);
  const seen = new Set<number>([key(p, p, q)]);
  const queue: [number, number, number][] = [[p, p, q]];
  while (queue.length > 0) {
    const [x, y, z] = queue.pop()!;
    for (const x2 of a.follow[x]!.keys()) {
      if (comp[x2] !== cp) continue;
      for (const y2 of a.follow[y]!.keys()) {
        const xy = intersection(a.sets[x2]!, a.sets[y2]!);
        if (xy.length === 0) continue;
        for (const z2 of a.follow[z]!.keys()) {
          budget.spend();
          if (comp[z2] !== cq || !intersects(xy, a.sets[z2]!)) continue;
          const k = key(x2, y2, z2);
          if (k === goal) return true;
          if (!seen.has(k)) {
            seen.add(k);
            queue.push([x2, y2, z2]);
          }
        }
      }
    }
  }
  return false;
}
