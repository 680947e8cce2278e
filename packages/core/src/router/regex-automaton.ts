import { type RootNode as ParsedNode, parse } from "regjsparser";
import { type CharSet, classEscape, complement, DOT, has, normalize } from "./charset";

type RootNode = ParsedNode<{ lookbehind: true; namedGroups: true }>;

/** Why a constraint cannot be accepted (the caller names the route and the constraint). */
export class ConstraintRefused extends Error {}

/** Position → number of distinct ways (1, or 2 meaning "more than one"). */
type Bag = Map<number, number>;

/** A piece of regex as Glushkov's construction sees it. */
interface Fragment {
  first: Bag;
  last: Bag;
  /** Ways to match the empty string (0, 1, or 2 for more than one). */
  empty: number;
}

const EMPTY_BAG: Bag = new Map();
const EPSILON: Fragment = { first: EMPTY_BAG, last: EMPTY_BAG, empty: 1 };
/** Copies of a counted repetition (`x{2,9}`) spelled out before it is treated as unbounded. */
const MAX_POSITIONS = 256;

const cap = (n: number) => Math.min(n, 2);

function merge(a: Bag, b: Bag): Bag {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  const out = new Map(a);
  for (const [p, ways] of b) out.set(p, cap((out.get(p) ?? 0) + ways));
  return out;
}

function scale(bag: Bag, factor: number): Bag {
  if (factor === 0) return EMPTY_BAG;
  if (factor === 1) return bag;
  const out: Bag = new Map();
  for (const [p, ways] of bag) out.set(p, cap(ways * factor));
  return out;
}

/**
 * The position automaton (Glushkov) of a regex, counting distinct paths: each character class
 * occurrence is a position, `follow[p]` maps every position that may come next to the number
 * of ways it can (two ways means two backtracking branches reach the same place). Counted
 * repetitions are spelled out; lookarounds are zero-width here and kept to be checked alone.
 */
export class RegexAutomaton {
  readonly sets: CharSet[] = [];
  readonly follow: Bag[] = [];
  readonly lookarounds: RootNode[] = [];
  readonly start: Fragment;

  constructor(source: string | RootNode) {
    const root =
      typeof source === "string" ? parse(source, "", { lookbehind: true, namedGroups: true }) : source;
    this.start = this.build(root);
  }

  /** Whether some position can match `code` (for `/`: whether the constraint can span segments). */
  matches(code: number): boolean {
    return this.sets.some((set) => has(set, code));
  }

  private position(set: CharSet): Fragment {
    const p = this.sets.length;
    this.sets.push(set);
    this.follow.push(new Map());
    const bag: Bag = new Map([[p, 1]]);
    return { first: bag, last: bag, empty: 0 };
  }

  private link(from: Bag, to: Bag): void {
    for (const [p, a] of from) {
      const next = this.follow[p]!;
      for (const [q, b] of to) next.set(q, cap((next.get(q) ?? 0) + a * b));
    }
  }

  private concat(x: Fragment, y: Fragment): Fragment {
    this.link(x.last, y.first);
    return {
      first: merge(x.first, scale(y.first, x.empty)),
      last: merge(y.last, scale(x.last, y.empty)),
      empty: cap(x.empty * y.empty),
    };
  }

  private sequence(nodes: readonly RootNode[]): Fragment {
    let out = EPSILON;
    for (const node of nodes) out = this.concat(out, this.build(node));
    return out;
  }

  private build(node: RootNode): Fragment {
    switch (node.type) {
      case "alternative":
        return this.sequence(node.body);
      case "disjunction": {
        let first = EMPTY_BAG;
        let last = EMPTY_BAG;
        let empty = 0;
        for (const option of node.body) {
          const f = this.build(option);
          first = merge(first, f.first);
          last = merge(last, f.last);
          empty = cap(empty + f.empty);
        }
        return { first, last, empty };
      }
      case "group":
        if (node.behavior === "normal" || node.behavior === "ignore") return this.sequence(node.body);
        this.lookarounds.push({ ...node, type: "alternative", body: node.body } as RootNode);
        return EPSILON;
      case "quantifier":
        return this.repeat(node.body[0], node.min, node.max);
      case "anchor":
        return EPSILON;
      case "value":
        return this.position([[node.codePoint, node.codePoint]]);
      case "dot":
        return this.position(DOT);
      case "characterClassEscape":
        return this.position(classEscape(node.value));
      case "characterClass": {
        const ranges: [number, number][] = [];
        for (const item of node.body) {
          if (item.type === "value") ranges.push([item.codePoint, item.codePoint]);
          else if (item.type === "characterClassRange") ranges.push([item.min.codePoint, item.max.codePoint]);
          else if (item.type === "characterClassEscape")
            for (const [low, high] of classEscape(item.value)) ranges.push([low, high]);
        }
        const set = normalize(ranges);
        return this.position(node.negative ? complement(set) : set);
      }
      case "reference":
        throw new ConstraintRefused("backreferences are not supported in route constraints");
      default:
        throw new ConstraintRefused(
          `${(node as { type: string }).type} is not supported in route constraints`,
        );
    }
  }

  /** `x{min,max}` (max undefined: unbounded), as `x` repeated `min` times then optional copies nested. */
  private repeat(node: RootNode, min: number, max: number | undefined): Fragment {
    const copies = max ?? Math.max(min, 1);
    if (copies > 1 && positions(node) * copies + this.sets.length > MAX_POSITIONS) {
      // Too many copies to spell out: an unbounded loop can only add ambiguity, never hide one.
      return min === 0 ? this.loop(this.build(node), 1) : this.loop(this.build(node), undefined);
    }
    let out = EPSILON;
    const fixed = max === undefined ? Math.max(min - 1, 0) : min;
    for (let i = 0; i < fixed; i++) out = this.concat(out, this.build(node));
    if (max === undefined) return this.concat(out, this.loop(this.build(node), min === 0 ? 1 : undefined));
    if (max === min) return out;
    // x{0,3} is (x(x(x)?)?)?: one way to match each count, as the engine's counted loop does.
    let tail = this.optional(this.build(node));
    for (let i = min + 1; i < max; i++) tail = this.optional(this.concat(this.build(node), tail));
    return this.concat(out, tail);
  }

  /** `x+`, or `x*` when `empty` is given (its ways of matching nothing: the engine stops at one). */
  private loop(x: Fragment, empty: number | undefined): Fragment {
    this.link(x.last, x.first);
    return { first: x.first, last: x.last, empty: empty ?? x.empty };
  }

  private optional(x: Fragment): Fragment {
    return { first: x.first, last: x.last, empty: cap(x.empty + 1) };
  }
}

/** Positions one copy of `node` makes, for deciding whether to spell repetitions out. */
function positions(node: RootNode): number {
  switch (node.type) {
    case "alternative":
    case "disjunction":
      return node.body.reduce((n, child) => n + positions(child), 0);
    case "group":
      return node.behavior === "normal" || node.behavior === "ignore"
        ? node.body.reduce((n, child) => n + positions(child), 0)
        : 0;
    case "quantifier":
      return positions(node.body[0]) * Math.min(node.max ?? Math.max(node.min, 1), MAX_POSITIONS);
    case "anchor":
      return 0;
    default:
      return 1;
  }
}
