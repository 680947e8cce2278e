/** A grouped bar chart as a self-contained SVG (no dependencies), for benchmark results. */

const COLORS = ["#8a8f98", "#e4572e", "#29a3a3", "#7b61ff", "#f3a712"];

const escapeXml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** Bars per group (one per series), a dashed line at 1.0, a legend. */
export function renderChart(
  groups: { label: string; values: number[] }[],
  series: string[],
  title: string,
): string {
  const width = 900;
  const height = 420;
  const margin = { top: 56, right: 20, bottom: 48, left: 48 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const max = Math.max(1.2, ...groups.flatMap((g) => g.values.filter(Number.isFinite))) * 1.1;
  const y = (v: number) => margin.top + plotH - (v / max) * plotH;
  const groupW = plotW / Math.max(1, groups.length);
  const barW = (groupW * 0.8) / series.length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let tick = 0; tick <= max; tick += 0.25) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#eee"/>`,
    );
    parts.push(
      `<text x="${margin.left - 6}" y="${y(tick) + 4}" text-anchor="end" fill="#555">${tick.toFixed(2)}</text>`,
    );
  }
  groups.forEach((group, gi) => {
    const x0 = margin.left + gi * groupW + groupW * 0.1;
    group.values.forEach((value, si) => {
      const v = Number.isFinite(value) ? value : 0;
      parts.push(
        `<rect x="${x0 + si * barW}" y="${y(v)}" width="${barW - 2}" height="${margin.top + plotH - y(v)}" fill="${COLORS[si % COLORS.length]}"><title>${escapeXml(series[si]!)} ${v.toFixed(2)}×</title></rect>`,
      );
    });
    parts.push(
      `<text x="${x0 + (groupW * 0.8) / 2}" y="${height - margin.bottom + 18}" text-anchor="middle">${escapeXml(group.label)}</text>`,
    );
  });
  parts.push(
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(1)}" y2="${y(1)}" stroke="#333" stroke-dasharray="4 3"/>`,
  );
  series.forEach((name, si) => {
    const lx = margin.left + si * 130;
    parts.push(`<rect x="${lx}" y="34" width="12" height="12" fill="${COLORS[si % COLORS.length]}"/>`);
    parts.push(`<text x="${lx + 18}" y="44">${escapeXml(name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}
