/**
 * Scraping in tests: fetch the exposition over a real socket, parse it with
 * `parse-prometheus-text-format` (a parser independent of prom-client), and read samples.
 */
import parsePrometheusTextFormat, { type ParsedFamily, type ParsedSample } from "parse-prometheus-text-format";

/** A parsed scrape: every family by name. */
export class Scrape {
  readonly families: ReadonlyMap<string, ParsedFamily>;

  constructor(readonly text: string) {
    this.families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
  }

  /** The family `name`; throws when the scrape has none, listing what it has. */
  family(name: string): ParsedFamily {
    const family = this.families.get(name);
    if (family === undefined) throw new Error(`no metric ${name} in the scrape (has ${[...this.families.keys()].join(", ")})`);
    return family;
  }

  /** The samples of `name` whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): ParsedSample[] {
    return this.family(name).metrics.filter((sample) =>
      Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
    );
  }

  /** The value of the one sample of `name` with exactly these labels (0 when there is none). */
  value(name: string, labels: Record<string, string> = {}): number {
    const found = this.samples(name, labels).filter(
      (sample) => Object.keys(sample.labels ?? {}).length === Object.keys(labels).length,
    );
    if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
    return found.length === 0 ? 0 : Number(found[0]!.value);
  }

  /** The one histogram series of `name` with these labels. */
  histogram(name: string, labels: Record<string, string>): { buckets: Record<string, number>; count: number; sum: number } {
    const found = this.samples(name, labels);
    if (found.length !== 1) throw new Error(`${found.length} series of ${name} match ${JSON.stringify(labels)}`);
    const series = found[0]!;
    const buckets = Object.fromEntries(Object.entries(series.buckets ?? {}).map(([le, n]) => [le, Number(n)]));
    return { buckets, count: Number(series.count), sum: Number(series.sum) };
  }

  /** Every distinct value label `label` takes in `name`. */
  labelValues(name: string, label: string): string[] {
    return [...new Set(this.family(name).metrics.map((sample) => sample.labels?.[label] ?? ""))].sort();
  }
}

/** GETs `url` (with a bearer `token` when given) and parses the answer; throws on a non-200. */
export async function scrape(url: string | URL, token?: string): Promise<Scrape> {
  const res = await fetch(url, token === undefined ? undefined : { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`scrape of ${url} answered ${res.status}: ${text}`);
  if (!res.headers.get("content-type")?.startsWith("text/plain; version=0.0.4"))
    throw new Error(`scrape of ${url} answered ${res.headers.get("content-type")}`);
  return new Scrape(text);
}
