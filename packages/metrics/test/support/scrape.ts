/**
 * Scraping in tests: fetch the exposition over a real socket, parse it with
 * `parse-prometheus-text-format` (a parser independent of prom-client), and read samples.
 *
 * That parser folds a histogram's `_bucket`, `_sum` and `_count` lines into one object only for
 * a histogram without labels: with labels it keeps the buckets and drops the rest. So the text
 * is parsed twice: as is, for the families and their types, and without its `# TYPE` lines,
 * where every sample line (`x_bucket{le="0.5",route="/"} 3`) stays a sample of its own with
 * all its labels.
 */
import parsePrometheusTextFormat, {
  type ParsedFamily,
  type ParsedSample,
} from "parse-prometheus-text-format";

/** A parsed scrape. */
export class Scrape {
  /** Every family by name, with its type (histograms as the parser folds them). */
  readonly families: ReadonlyMap<string, ParsedFamily>;
  /** Every sample line, by the name on the line (`x_bucket`, `x_sum`, `x_count` apart). */
  private readonly lines: ReadonlyMap<string, ParsedSample[]>;

  constructor(readonly text: string) {
    this.families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
    const untyped = text
      .split("\n")
      .filter((line) => !line.startsWith("# TYPE "))
      .join("\n");
    // A histogram's lines come series by series, so the same name starts several families here.
    const lines = new Map<string, ParsedSample[]>();
    for (const { name, metrics } of parsePrometheusTextFormat(untyped))
      lines.set(name, [...(lines.get(name) ?? []), ...metrics]);
    this.lines = lines;
  }

  /** The family `name`; throws when the scrape has none, listing what it has. */
  family(name: string): ParsedFamily {
    const family = this.families.get(name);
    if (family === undefined)
      throw new Error(`no metric ${name} in the scrape (has ${[...this.families.keys()].join(", ")})`);
    return family;
  }

  /** The sample lines named `name` whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): ParsedSample[] {
    return (this.lines.get(name) ?? []).filter((sample) =>
      Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
    );
  }

  /** The value of the one sample line of `name` with exactly these labels (0 when there is none). */
  value(name: string, labels: Record<string, string> = {}): number {
    const size = Object.keys(labels).length;
    const found = this.samples(name, labels).filter(
      (sample) => Object.keys(sample.labels ?? {}).length === size,
    );
    if (found.length > 1)
      throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
    return found.length === 0 ? 0 : Number(found[0]!.value);
  }

  /** The histogram series of `name` with exactly these labels: buckets by `le`, in their order. */
  histogram(
    name: string,
    labels: Record<string, string>,
  ): { buckets: Map<string, number>; count: number; sum: number } {
    const size = Object.keys(labels).length;
    const buckets = new Map<string, number>();
    for (const sample of this.samples(`${name}_bucket`, labels)) {
      if (Object.keys(sample.labels ?? {}).length === size + 1)
        buckets.set(sample.labels!.le!, Number(sample.value));
    }
    if (buckets.size === 0) throw new Error(`no series of ${name} has ${JSON.stringify(labels)}`);
    return { buckets, count: this.value(`${name}_count`, labels), sum: this.value(`${name}_sum`, labels) };
  }

  /** The label sets of `name`'s series (for a histogram: its `_count` lines). */
  series(name: string): Record<string, string>[] {
    const lines = this.family(name).type === "HISTOGRAM" ? this.samples(`${name}_count`) : this.samples(name);
    return lines.map((sample) => sample.labels ?? {});
  }

  /** Every distinct value label `label` takes in `name`, sorted. */
  labelValues(name: string, label: string): string[] {
    return [...new Set(this.series(name).map((labels) => labels[label] ?? ""))].sort();
  }
}

/** GETs `url` (with a bearer `token` when given) and parses the answer; throws on a non-200. */
export async function scrape(url: string | URL, token?: string): Promise<Scrape> {
  const res = await fetch(
    url,
    token === undefined ? undefined : { headers: { authorization: `Bearer ${token}` } },
  );
  const text = await res.text();
  if (res.status !== 200) throw new Error(`scrape of ${url} answered ${res.status}: ${text}`);
  if (!res.headers.get("content-type")?.startsWith("text/plain; version=0.0.4"))
    throw new Error(`scrape of ${url} answered ${res.headers.get("content-type")}`);
  return new Scrape(text);
}
