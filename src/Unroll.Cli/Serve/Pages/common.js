// Shared by every page of `unroll serve`: calling the API, showing its one-line errors, formatting numbers and drawing
// small SVG line charts. Every number shown comes from the server (the engine); this file only draws.
"use strict";

/** POSTs (or GETs, when body is undefined) JSON to /api/<path>; resolves to the parsed reply, rejects with the server's one-line error. */
async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  return reply(await fetch("/api/" + path, init));
}

/** POSTs a FormData (a file upload) to /api/<path>. */
async function upload(path, form) {
  return reply(await fetch("/api/" + path, { method: "POST", body: form }));
}

async function reply(response) {
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON: reported below */ }
  if (!response.ok) throw new Error(data && data.error ? data.error : `the server answered ${response.status} ${response.statusText}`);
  return data;
}

/**
 * Asks /api/<path> one request at a time, always with the newest state: a call while a request is in flight only
 * marks that the state changed; when the reply comes it is drawn (onReply) or its error shown (onError) unless a newer
 * state is waiting, and then the newest state (body()) is sent. So a slow reply never overwrites a newer drawing, and
 * a dragged slider costs one request at a time. Returns ask(): a promise that settles once a reply no older than the
 * call has been handled. Each handled round bumps document.body.dataset.drawn, which the browser tests wait on.
 */
function latestOnly(path, body, onReply, onError) {
  let inFlight = null, wanted = false;
  async function pump() {
    while (wanted) {
      wanted = false;
      try {
        const reply = await api(path, body());
        if (!wanted) onReply(reply);
      } catch (e) {
        if (!wanted) onError(e);
      }
    }
    document.body.dataset.drawn = String(Number(document.body.dataset.drawn || 0) + 1);
  }
  return function ask() {
    wanted = true;
    if (!inFlight) inFlight = pump().finally(() => { inFlight = null; });
    return inFlight;
  };
}

/** Shows an error line in el (or clears it with null). */
function showError(el, error) {
  el.textContent = error ? (error.message || String(error)) : "";
}

/** A number as the CLI prints it: up to `digits` significant digits, no trailing zeros, exponent for very large or small. */
function fmt(x, digits = 4) {
  x = Number(x);
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (x === 0) return "0";
  const a = Math.abs(x);
  let s = a >= 1e6 || a < 1e-4 ? x.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, "e") : String(Number(x.toPrecision(digits)));
  return s.replace(/-/g, "−");   // the sign and the exponent's, as the command line writes them
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Creates an SVG element with attributes (and text, when given). */
function svgEl(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

/**
 * Draws a line chart into the <svg> element `svg` (its viewBox is set to width × height).
 * options: { series: [{ name, values, x?, color?, dash? }], logY?, xLabel?, yLabel?, width?, height?, title? }
 * Values that are not finite (or ≤ 0 on a log axis) break the line. Returns nothing; the chart replaces svg's content.
 */
function lineChart(svg, options) {
  const W = options.width || 640, H = options.height || 320, m = { l: 64, r: 16, t: options.title ? 28 : 12, b: 44 };
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const series = options.series.map((s, k) => ({ ...s, color: s.color || COLORS[k % COLORS.length], x: s.x || s.values.map((_, i) => i + 1) }));
  const ok = (y) => Number.isFinite(y) && (!options.logY || y > 0);
  const ty = (y) => (options.logY ? Math.log10(y) : y);
  let xs = series.flatMap((s) => s.x), ys = series.flatMap((s) => s.values.map(Number).filter(ok).map(ty));
  if (xs.length === 0) xs = [0, 1];
  if (ys.length === 0) ys = [0, 1];
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)], [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) x1 = x0 + 1;
  if (y0 === y1) { y0 -= 1; y1 += 1; }
  const px = (x) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (v) => H - m.b - ((v - y0) / (y1 - y0)) * (H - m.t - m.b);
  if (options.title) svg.append(svgEl("text", { x: m.l, y: 18, "font-size": 14, "font-weight": 600 }, options.title));
  // axes and ticks
  svg.append(svgEl("line", { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, stroke: "#999" }));
  svg.append(svgEl("line", { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b, stroke: "#999" }));
  for (const t of ticks(x0, x1, 8)) {
    svg.append(svgEl("line", { x1: px(t), y1: H - m.b, x2: px(t), y2: H - m.b + 4, stroke: "#999" }));
    svg.append(svgEl("text", { x: px(t), y: H - m.b + 16, "font-size": 11, "text-anchor": "middle" }, fmt(t)));
  }
  for (const t of options.logY ? logTicks(y0, y1) : ticks(y0, y1, 6)) {
    if (t < y0 - 1e-9 || t > y1 + 1e-9) continue;
    svg.append(svgEl("line", { x1: m.l, y1: py(t), x2: W - m.r, y2: py(t), stroke: "#eee" }));
    svg.append(svgEl("text", { x: m.l - 6, y: py(t) + 4, "font-size": 11, "text-anchor": "end" }, options.logY ? logLabel(t) : fmt(t)));
  }
  if (options.xLabel) svg.append(svgEl("text", { x: (m.l + W - m.r) / 2, y: H - 8, "font-size": 12, "text-anchor": "middle" }, options.xLabel));
  if (options.yLabel) svg.append(svgEl("text", { x: 14, y: (m.t + H - m.b) / 2, "font-size": 12, "text-anchor": "middle", transform: `rotate(-90 14 ${(m.t + H - m.b) / 2})` }, options.yLabel));
  // lines, broken where a value is missing
  series.forEach((s, k) => {
    let d = "", pen = false;
    s.values.forEach((v, i) => {
      v = Number(v);
      if (!ok(v)) { pen = false; return; }
      d += `${pen ? "L" : "M"}${px(s.x[i]).toFixed(1)},${py(ty(v)).toFixed(1)}`;
      pen = true;
    });
    const path = svgEl("path", { d, fill: "none", stroke: s.color, "stroke-width": 2, "data-series": s.name });
    if (s.dash) path.setAttribute("stroke-dasharray", "6 4");
    svg.append(path);
    svg.append(svgEl("text", { x: W - m.r - 4, y: m.t + 14 + 15 * k, "font-size": 12, "text-anchor": "end", fill: s.color }, s.name));
  });
}

/**
 * Ticks of a log axis as log10 values within [a, b]: the powers of ten, thinned to about 7; when fewer than two fall
 * inside (a line that stays within one decade), 1, 2 and 5 times each power instead, so the axis is never unlabelled.
 */
function logTicks(a, b) {
  const inside = (t) => t >= a - 1e-9 && t <= b + 1e-9;
  const powers = ticks(Math.floor(a), Math.ceil(b), 7).filter((t) => Number.isInteger(t));
  if (powers.filter(inside).length >= 2) return powers;
  const out = [];
  for (let k = Math.floor(a); k <= Math.ceil(b); k++) for (const f of [1, 2, 5]) out.push(k + Math.log10(f));
  const within = out.filter(inside);
  return within.length >= 2 ? within : [a, b];
}

/** The label of a log-axis tick t (a log10 value): "1e-3", "2e-3", "5e-3", or the number itself when t is not 1, 2 or 5 times a power. */
function logLabel(t) {
  const k = Math.floor(t + 1e-9), f = Math.round(Math.pow(10, t - k) * 1000) / 1000;
  return [1, 2, 5].includes(f) ? (f === 1 ? "" : f) + "1e".slice(f === 1 ? 0 : 1) + k : fmt(Math.pow(10, t), 2);
}

/** About n round tick values covering [a, b]. */
function ticks(a, b, n) {
  const step0 = (b - a) / Math.max(1, n), p = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 5, 10].map((f) => f * p).find((s) => s >= step0) || step0;
  const out = [];
  for (let t = Math.ceil(a / step) * step; t <= b + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return out;
}

/** Marks the nav link of the current page. */
document.addEventListener("DOMContentLoaded", () => {
  for (const a of document.querySelectorAll("nav a")) if (a.getAttribute("href") === location.pathname) a.setAttribute("aria-current", "page");
});
