import { escapeHtml } from "@harpia/core/utils";

/** How the page is rendered. */
export interface PageOptions {
  title: string;
  /** The CSP nonce of this response (`res.locals.nonce`), put on the inline style and script. */
  nonce: string | undefined;
}

/** How the dashboard page is rendered. */
export interface DashboardPageOptions extends PageOptions {
  /** Whether the page follows the live stream (`?format=events`) and redraws itself. */
  live?: boolean;
}

/** JSON placed inside `<script type="application/json">`: nothing in it can close the tag. */
export function embedJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function nonceAttribute(nonce: string | undefined): string {
  return nonce ? ` nonce="${escapeHtml(nonce)}"` : "";
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1d2330;--muted:#6b7385;--bg:#f6f7fb;--card:#fff;--line:#e3e6ee;--a:#3b6fe0;--b:#e0833b;--bad:#d64545}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9f0;--muted:#9aa3b5;--bg:#12151c;--card:#1b2029;--line:#2b3240}}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 28px 4px}h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:var(--muted)}
main{display:grid;gap:16px;padding:16px 28px 32px;grid-template-columns:repeat(auto-fit,minmax(420px,1fr))}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;min-width:0}
section.wide{grid-column:1/-1}h2{margin:0 0 10px;font-size:15px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.tile b{display:block;font-size:24px}.tile span{color:var(--muted)}
svg{width:100%;height:auto;display:block}svg text{fill:var(--muted);font-size:11px}
.bar-a{fill:var(--a)}.bar-b{fill:var(--b)}.line-b{stroke:var(--b);stroke-width:2;fill:none}.grid{stroke:var(--line)}
table{width:100%;border-collapse:collapse;font-size:13px}th,td{text-align:left;padding:5px 6px;border-bottom:1px solid var(--line);vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.path{word-break:break-all}.bad{color:var(--bad)}
.empty{color:var(--muted);margin:6px 0}.legend span{margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:5px;border-radius:2px}
.legend .a{background:var(--a)}.legend .b{background:var(--b)}
form{display:flex;gap:8px;margin-top:14px}input{flex:1;padding:8px;border:1px solid var(--line);border-radius:6px;background:var(--card);color:var(--fg)}
button{padding:8px 14px;border:0;border-radius:6px;background:var(--a);color:#fff;cursor:pointer}
.login{max-width:420px;margin:12vh auto;padding:0 20px}
#live-status{margin-left:10px}#live-status.on::before{content:"";display:inline-block;width:8px;height:8px;margin-right:5px;border-radius:50%;background:#2faa5f}
`;

// Draws everything from the embedded JSON with DOM calls: data only ever becomes text nodes
// or numeric attributes, never markup, so recorded paths and messages cannot inject anything.
// A live page redraws from every "summary" event of its stream the same way.
const SCRIPT = `
(function () {
  var data;
  var SVG = "http://www.w3.org/2000/svg";
  function el(tag, attrs, text, svg) {
    var node = svg ? document.createElementNS(SVG, tag) : document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, String(attrs[k]));
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function s(tag, attrs, text) { return el(tag, attrs, text, true); }
  function fmt(n) { return Number(n).toLocaleString(); }
  function ms(n) { return fmt(Math.round(n * 100) / 100) + " ms"; }
  function mount(id, node) { document.getElementById(id).appendChild(node); }
  function empty(id, text) { mount(id, el("p", { class: "empty" }, text)); }

  function tiles() {
    var days = data.daily, today = days.filter(function (d) { return d.date === data.today; })[0] || {};
    var total = 0, errors = 0, micros = 0;
    days.forEach(function (d) { total += d.totalRequests; errors += d.totalErrors; micros += d.avgResponseTime * d.totalRequests; });
    var items = [
      [fmt(today.totalRequests || 0), "requests today"],
      [fmt(data.uniqueVisitorsToday), "unique visitors today"],
      [ms(today.avgResponseTime || 0), "avg response today"],
      [fmt(today.totalErrors || 0), "errors today"],
      [fmt(total), "requests, " + days.length + " day(s)"],
      [ms(total ? micros / total : 0), "avg response, all days"],
      [fmt(errors), "errors, all days"]
    ];
    var box = el("div", { class: "tiles" });
    items.forEach(function (t) { var d = el("div", { class: "tile" }); d.appendChild(el("b", {}, t[0])); d.appendChild(el("span", {}, t[1])); box.appendChild(d); });
    mount("tiles", box);
  }

  function daily() {
    var days = data.daily;
    if (!days.length) return empty("daily", "No requests recorded yet.");
    var W = 760, H = 220, L = 44, B = 28, T = 10, n = days.length, step = (W - L) / n;
    var max = Math.max.apply(null, days.map(function (d) { return Math.max(d.totalRequests, d.uniqueVisitors); })) || 1;
    var y = function (v) { return T + (H - T - B) * (1 - v / max); };
    var svg = s("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Requests and unique visitors per day" });
    [0, 0.5, 1].forEach(function (f) {
      svg.appendChild(s("line", { class: "grid", x1: L, x2: W, y1: y(max * f), y2: y(max * f) }));
      svg.appendChild(s("text", { x: L - 6, y: y(max * f) + 4, "text-anchor": "end" }, fmt(Math.round(max * f))));
    });
    var points = [];
    days.forEach(function (d, i) {
      var x = L + i * step, bw = Math.max(2, step * 0.7);
      var bar = s("rect", { class: "bar-a", x: x + (step - bw) / 2, y: y(d.totalRequests), width: bw, height: H - B - y(d.totalRequests) });
      bar.appendChild(s("title", {}, d.date + ": " + fmt(d.totalRequests) + " requests, " + fmt(d.uniqueVisitors) + " visitors"));
      svg.appendChild(bar);
      points.push((x + step / 2) + "," + y(d.uniqueVisitors));
      if (n <= 14 || i % Math.ceil(n / 10) === 0) svg.appendChild(s("text", { x: x + step / 2, y: H - 10, "text-anchor": "middle" }, d.date.slice(5)));
    });
    svg.appendChild(s("polyline", { class: "line-b", points: points.join(" ") }));
    mount("daily", svg);
    var legend = el("div", { class: "legend" });
    [["a", "requests"], ["b", "unique visitors"]].forEach(function (p) { var sp = el("span"); sp.appendChild(el("i", { class: p[0] })); sp.appendChild(document.createTextNode(p[1])); legend.appendChild(sp); });
    mount("daily", legend);
  }

  function hbars(id, rows, label, value, unit) {
    if (!rows.length) return empty(id, "Nothing yet.");
    var W = 760, row = 24, L = 300, H = rows.length * row + 4;
    var max = Math.max.apply(null, rows.map(value)) || 1;
    var svg = s("svg", { viewBox: "0 0 " + W + " " + H, role: "img" });
    rows.forEach(function (r, i) {
      var text = String(label(r)); if (text.length > 44) text = text.slice(0, 43) + "…";
      svg.appendChild(s("text", { x: 0, y: i * row + 16 }, text));
      var w = Math.max(1, (W - L - 70) * value(r) / max);
      var bar = s("rect", { class: "bar-a", x: L, y: i * row + 5, width: w, height: row - 8 });
      bar.appendChild(s("title", {}, label(r) + ": " + fmt(value(r)) + unit));
      svg.appendChild(bar);
      svg.appendChild(s("text", { x: L + w + 6, y: i * row + 16 }, fmt(value(r))));
    });
    mount(id, svg);
  }

  function histogram() {
    var rows = data.distribution, total = rows.reduce(function (t, r) { return t + r.count; }, 0);
    if (!total) return empty("distribution", "No requests recorded yet.");
    var W = 760, H = 200, B = 34, T = 14, step = W / rows.length;
    var max = Math.max.apply(null, rows.map(function (r) { return r.count; })) || 1;
    var svg = s("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Response-time distribution" });
    rows.forEach(function (r, i) {
      var h = (H - B - T) * r.count / max, x = i * step + step * 0.15;
      var bar = s("rect", { class: "bar-b", x: x, y: H - B - h, width: step * 0.7, height: h });
      bar.appendChild(s("title", {}, r.label + ": " + fmt(r.count) + " requests"));
      svg.appendChild(bar);
      svg.appendChild(s("text", { x: x + step * 0.35, y: H - B - h - 4, "text-anchor": "middle" }, fmt(r.count)));
      svg.appendChild(s("text", { x: x + step * 0.35, y: H - 14, "text-anchor": "middle" }, r.label));
    });
    mount("distribution", svg);
  }

  function table(id, rows, columns) {
    if (!rows.length) return empty(id, "Nothing recorded.");
    var t = el("table"), head = el("tr");
    columns.forEach(function (c) { head.appendChild(el("th", { class: c[2] || "" }, c[0])); });
    t.appendChild(head);
    rows.forEach(function (r) {
      var tr = el("tr");
      columns.forEach(function (c) { tr.appendChild(el("td", { class: c[2] || "" }, c[1](r))); });
      t.appendChild(tr);
    });
    mount(id, t);
  }

  function render(next) {
    data = next;
    ["tiles", "daily", "pages", "distribution", "sources", "slow", "errors"].forEach(function (id) {
      document.getElementById(id).textContent = "";
    });
    tiles();
    daily();
    hbars("pages", data.topPages, function (r) { return r.path; }, function (r) { return r.views; }, " views");
    histogram();
    hbars("sources", data.sources, function (r) { return r.source; }, function (r) { return r.visits; }, " visits");
    table("slow", data.slow, [
      ["ms", function (r) { return fmt(r.responseTime); }, "num"], ["method", function (r) { return r.method; }],
      ["path", function (r) { return r.path; }, "path"], ["status", function (r) { return r.status; }, "num"],
      ["ip", function (r) { return r.ip; }], ["when", function (r) { return r.timestamp.replace("T", " ").slice(0, 19); }]
    ]);
    table("errors", data.errors, [
      ["when", function (r) { return r.timestamp.replace("T", " ").slice(0, 19); }],
      ["status", function (r) { return r.error.code; }, "num bad"], ["method", function (r) { return r.method; }],
      ["path", function (r) { return r.path; }, "path"], ["message", function (r) { return r.error.message; }],
      ["ip", function (r) { return r.ip; }]
    ]);
  }

  render(JSON.parse(document.getElementById("telemetry-data").textContent));
  var status = document.getElementById("live-status");
  if (status && window.EventSource) {
    var source = new EventSource(location.pathname + "?format=events");
    source.addEventListener("summary", function (event) {
      render(JSON.parse(event.data));
      status.className = "on";
      status.textContent = "live, updated " + new Date(data.generatedAt).toLocaleTimeString();
    });
    source.addEventListener("error", function () {
      status.className = "";
      status.textContent = source.readyState === EventSource.CLOSED ? "live updates stopped" : "reconnecting…";
    });
  }
})();
`;

/**
 * The dashboard page: data embedded as JSON, charts drawn by one inline script (which, on a
 * live page, follows the live stream and redraws).
 */
export function renderDashboard(
  data: { retentionDays: number; slowThreshold: number },
  options: DashboardPageOptions,
): string {
  const nonce = nonceAttribute(options.nonce);
  const title = escapeHtml(options.title);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title><style${nonce}>${STYLE}</style></head>
<body><header><h1>${title}</h1><p>Last ${data.retentionDays} days, UTC. <a href="?format=json">JSON</a>${
    options.live ? '<span id="live-status" role="status">connecting…</span>' : ""
  }</p></header>
<main>
<section class="wide"><div id="tiles"></div></section>
<section class="wide"><h2>Requests and unique visitors per day</h2><div id="daily"></div></section>
<section><h2>Top pages</h2><div id="pages"></div></section>
<section><h2>Response-time distribution</h2><div id="distribution"></div></section>
<section><h2>Traffic sources</h2><div id="sources"></div></section>
<section><h2>Slow requests (over ${Number(data.slowThreshold)} ms)</h2><div id="slow"></div></section>
<section class="wide"><h2>Latest errors</h2><div id="errors"></div></section>
</main>
<noscript><p class="empty">The charts need JavaScript; the <a href="?format=json">JSON</a> has the same data.</p></noscript>
<script type="application/json" id="telemetry-data">${embedJson(data)}</script>
<script${nonce}>${SCRIPT}</script>
</body></html>`;
}

/** The page asking for the access token (a GET form: the token is exchanged for a cookie). */
export function renderLogin(options: PageOptions & { failed: boolean }): string {
  const nonce = nonceAttribute(options.nonce);
  const title = escapeHtml(options.title);
  const message = options.failed ? `<p class="bad">That token is not valid.</p>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title><style${nonce}>${STYLE}</style></head>
<body><div class="login"><h1>${title}</h1><p>Enter the telemetry access token.</p>${message}
<form method="get"><input type="password" name="token" autocomplete="current-password" required aria-label="Access token"><button>Open</button></form>
</div></body></html>`;
}
