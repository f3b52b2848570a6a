// gates.html: sends the model choice and the sequence to /api/gates (the engine's UnrolledTrace) and draws every
// gate per step as a heat map and a table. Nothing is computed here; colours are only a drawing of the values.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const $ = (id) => document.getElementById(id);
  const error = $("error");
  const COMPANIES = { "company-a": "0, 0.5, 0.25, 1", "company-b": "1, 0.5, 0.25, 1" };
  let inputSize = 1;

  // One request at a time, always the newest controls (common.js latestOnly).
  const schedule = latestOnly("gates", () => ({ model: $("model").value, sequence: $("sequence").value }),
    (data) => { draw(data); showError(error, null); }, (e) => showError(error, e));

  for (const [id, text] of Object.entries(COMPANIES)) $(id).addEventListener("click", () => { $("sequence").value = text; schedule(); });
  $("model").addEventListener("input", () => { if ($("model").value !== "upload") setInputSize(1); schedule(); });
  $("sequence").addEventListener("input", schedule);
  $("file").addEventListener("change", async () => {
    const file = $("file").files[0];
    if (!file) return;
    const form = new FormData();
    form.append("model", file);
    $("upload-status").textContent = `uploading ${file.name}…`;
    try {
      const reply = await upload("gates/upload", form);
      const m = reply.model, option = $("model").querySelector("option[value=upload]");
      option.disabled = false;
      option.textContent = `uploaded: ${m.name} (${m.cell}, ${m.input_size} input${m.input_size === 1 ? "" : "s"}, ${m.hidden_size} hidden, ${m.layers} layer${m.layers === 1 ? "" : "s"})`;
      $("model").value = "upload";
      $("upload-status").textContent = "";
      setInputSize(m.input_size);
      showError(error, null);
      schedule();
    } catch (e) {
      $("upload-status").textContent = "";
      showError(error, e.message === "Failed to fetch" ? new Error(`${file.name} could not be sent: the server accepts files up to 20 MB`) : e);
    }
  });

  function setInputSize(n) {
    inputSize = n;
    $("format").textContent = n === 1 ? "One number per step, separated by commas." : `${n} numbers per step (separated by spaces or commas), steps separated by semicolons.`;
    if (n > 1) $("sequence").value = Array.from({ length: 4 }, (_, t) => Array.from({ length: n }, () => COMPANIES["company-a"].split(", ")[t]).join(" ")).join("; ");
    for (const id of Object.keys(COMPANIES)) $(id).disabled = n !== 1;
  }

  function draw(data) {
    const out = $("result"), m = data.model;
    const parts = [];
    const head = document.createElement("div");
    head.className = "panel";
    const line = document.createElement("p");
    line.style.margin = "0";
    // The line starts a sentence: "The bundled one-unit LSTM: ..." (an upload's file name is shown as it is).
    const title = m.name.startsWith("the ") ? "T" + m.name.slice(1) : m.name;
    line.append(`${title}: ${m.cell}, ${m.hidden_size} hidden unit${m.hidden_size === 1 ? "" : "s"}, ${m.layers} layer${m.layers === 1 ? "" : "s"}. Prediction after ${data.inputs.length} steps: `);
    const b = document.createElement("b");
    b.id = "prediction";
    b.textContent = data.prediction.map((v) => fmt(v, 6)).join(", ");
    b.dataset.value = data.prediction.join(" ");
    line.append(b, ".");
    head.append(line);
    for (const note of data.notes || []) { const p = document.createElement("p"); p.className = "muted"; p.textContent = note; p.style.margin = ".4em 0 0"; head.append(p); }
    parts.push(head);
    for (const layer of data.layers) parts.push(layerPanel(layer, data, m));
    out.replaceChildren(...parts);
  }

  function layerPanel(layer, data, m) {
    const panel = document.createElement("div");
    panel.className = "panel layer";
    const h2 = document.createElement("h2");
    h2.style.marginTop = "0";
    h2.textContent = m.layers > 1 ? `Layer ${layer.index + 1}` : "Every gate at every step";
    const block = (el) => { const div = document.createElement("div"); div.style.overflowX = "auto"; div.append(el); return div; };
    panel.append(h2, block(legend()), block(heatMap(layer, data.inputs)), table(layer, data.inputs));
    return panel;
  }

  const rowName = (row, layer) => (layer.units_shown > 1 ? `${row.name}[${row.unit}]` : row.name);

  /** The heat map: one row per gate unit, one column per step; each cell coloured by its value, the value written in it when it fits. */
  function heatMap(layer, inputs) {
    const T = inputs.length, rows = layer.rows;
    const cw = Math.max(8, Math.min(88, Math.floor(1000 / T))), ch = layer.units_shown > 4 ? 14 : 30, left = 56, top = 34;
    const W = left + cw * T + 8, H = top + ch * rows.length + 8;
    const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "heatmap", role: "img", "aria-label": "heat map of the gates" });
    svg.append(svgEl("text", { x: left, y: 12, "font-size": 12, fill: "#666" }, "step (input x)"));
    inputs.forEach((x, t) => {
      if (cw >= 28 || t % Math.ceil(28 / cw) === 0)
        svg.append(svgEl("text", { x: left + cw * t + cw / 2, y: 27, "font-size": 12, "text-anchor": "middle" }, cw >= 40 ? `${t + 1} (${x.map((v) => fmt(v, 3)).join(" ")})` : String(t + 1)));
    });
    rows.forEach((row, r) => {
      const y = top + ch * r;
      svg.append(svgEl("text", { x: left - 6, y: y + ch / 2 + 4, "font-size": ch > 16 ? 13 : 10, "text-anchor": "end" }, rowName(row, layer)));
      row.values.forEach((v, t) => {
        const cell = svgEl("rect", { x: left + cw * t, y, width: cw - 1, height: ch - 1, fill: colour(v, row.scale), class: "cell", "data-row": rowName(row, layer), "data-step": t + 1, "data-value": String(v) });
        cell.append(svgEl("title", {}, `${rowName(row, layer)} at step ${t + 1}: ${fmt(v, 6)}`));
        svg.append(cell);
        if (cw >= 40 && ch >= 20)
          svg.append(svgEl("text", { x: left + cw * t + cw / 2, y: y + ch / 2 + 4, "font-size": cw >= 64 ? 13 : 11, "text-anchor": "middle", fill: ink(v, row.scale), "pointer-events": "none" }, fmt(v, 3)));
      });
      const next = rows[r + 1];
      if (next && next.name !== row.name) svg.append(svgEl("line", { x1: left - 40, x2: left + cw * T, y1: y + ch - 0.5, y2: y + ch - 0.5, stroke: "#888" }));
    });
    return svg;
  }

  /** Gates (sigmoid) in [0, 1]: white to blue. g, n, c and h in [−1, 1]: red through white to blue; c beyond ±1 takes the end colour. */
  function colour(v, scale) {
    v = Number(v);
    if (!Number.isFinite(v)) return "#000";
    const s = scale === "unit" ? Math.min(1, Math.max(0, v)) : Math.min(1, Math.max(-1, v));
    const mix = (a, b, k) => `rgb(${a.map((c, i) => Math.round(c + (b[i] - c) * k)).join(",")})`;
    const WHITE = [255, 255, 255], BLUE = [31, 119, 180], RED = [214, 39, 40];
    return s >= 0 ? mix(WHITE, BLUE, s) : mix(WHITE, RED, -s);
  }
  const ink = (v, scale) => (Math.abs(Number(v)) > 0.6 || (scale === "unit" && Number(v) > 0.6) ? "#fff" : "#222");

  function legend() {
    const svg = svgEl("svg", { viewBox: "0 0 620 44", width: 620, height: 44, class: "legend", role: "img", "aria-label": "colour scale" });
    const bar = (x, scale, from, to, label) => {
      for (let k = 0; k <= 40; k++) {
        const v = from + ((to - from) * k) / 40;
        svg.append(svgEl("rect", { x: x + k * 5, y: 18, width: 5, height: 12, fill: colour(v, scale) }));
      }
      svg.append(svgEl("rect", { x, y: 18, width: 205, height: 12, fill: "none", stroke: "#bbb" }));
      svg.append(svgEl("text", { x, y: 12, "font-size": 11 }, label));
      svg.append(svgEl("text", { x, y: 42, "font-size": 10 }, fmt(from)));
      svg.append(svgEl("text", { x: x + 205, y: 42, "font-size": 10, "text-anchor": "end" }, fmt(to)));
      svg.append(svgEl("text", { x: x + 102, y: 42, "font-size": 10, "text-anchor": "middle" }, fmt((from + to) / 2)));
    };
    bar(4, "unit", 0, 1, "gates i, f, o, r, z (sigmoid): 0 to 1");
    bar(300, "signed", -1, 1, "g, n (tanh), c, h: −1 to 1 (c beyond ±1 at the end colour)");
    return svg;
  }

  function table(layer, inputs) {
    const wrap = document.createElement("div");
    wrap.style.overflowX = "auto";
    wrap.style.marginTop = ".6em";
    const t = document.createElement("table");
    t.className = "gate-numbers";
    const head = document.createElement("tr");
    head.append(cell("th", "step"), ...inputs.map((_, k) => cell("th", String(k + 1))));
    const xRow = document.createElement("tr");
    xRow.append(cell("td", "x"), ...inputs.map((x) => cell("td", x.map((v) => fmt(v, 6)).join(" "))));
    const rows = layer.rows.map((row) => {
      const tr = document.createElement("tr");
      tr.dataset.row = rowName(row, layer);
      tr.append(cell("td", rowName(row, layer)), ...row.values.map((v) => { const c = cell("td", fmt(v, 6)); c.dataset.value = String(v); return c; }));
      return tr;
    });
    t.append(head, ...(layer.index === 0 ? [xRow] : []), ...rows);
    wrap.append(t);
    return wrap;
  }

  function cell(tag, text) { const el = document.createElement(tag); el.textContent = text; return el; }

  schedule();
});
