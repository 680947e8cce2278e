import { Budget, isExponential, polynomialDegree } from "./ambiguity";
import { ConstraintRefused, RegexAutomaton } from "./regex-automaton";

/** A route parameter's constraint, compiled and checked at registration. */
export interface Constraint {
  /** Tests a whole value: `^(?:source)$`. */
  regex: RegExp;
  /** Whether the constraint can match a `/`, so the parameter may span several segments. */
  spans: boolean;
}

const SLASH = 0x2f;
/** Checked constraints by source (they come from route code, so the cache stays small; capped anyway). */
const cache = new Map<string, Constraint | Error>();
const CACHE_LIMIT = 1000;

function check(automaton: RegexAutomaton, budget: Budget): void {
  if (isExponential(automaton, budget))
    throw new ConstraintRefused(
      "it can take exponential time on a path it does not match: a repeated part can match the same text in more than one way (nested quantifiers such as (a+)+, or overlapping alternatives such as (a|ab)*); rewrite it so each character can only be matched one way",
    );
  if (polynomialDegree(automaton, budget) >= 2)
    throw new ConstraintRefused(
      "it can take polynomial time on a path it does not match: three or more repeated parts in a row can match the same characters (as in .*-.*-.*); use character classes that exclude the separators, such as [^-]*",
    );
  for (const lookaround of automaton.lookarounds) check(new RegexAutomaton(lookaround), budget);
}

/**
 * Compiles a constraint and refuses one that could backtrack catastrophically (exponential
 * time, or polynomial of degree 3 or more) or that uses backreferences. Throws an `Error` saying
 * why; the caller names the route.
 */
export function compileConstraint(source: string): Constraint {
  let known = cache.get(source);
  if (known === undefined) {
    known = analyse(source);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(source, known);
  }
  if (known instanceof Error) throw known;
  return known;
}

function analyse(source: string): Constraint | Error {
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${source})$`);
  } catch (error) {
    return new Error(`not a valid regular expression: ${(error as Error).message}`);
  }
  try {
    const automaton = new RegexAutomaton(source);
    check(automaton, new Budget());
    return { regex, spans: automaton.matches(SLASH) };
  } catch (error) {
    if (error instanceof ConstraintRefused) return error;
    return new Error(`it could not be checked for catastrophic backtracking: ${(error as Error).message}`);
  }
}
