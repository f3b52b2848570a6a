// gradients.html: reads the controls, asks /api/gradients (the engine) and draws what comes back. Every number shown,
// the w1·w2^(T−1)·w3 reference line included, comes from the server; this file only draws and formats.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const $ = (id) => document.getElementById(id);
  const error = $("error");

  // Slider and number field show the same value; either one moving redraws.
  for (const name of ["w2", "steps"]) {
    const range = $(name + "-range"), field = $(name);
    range.addEventListener("input", () => { field.value = range.value; schedule(); });
    field.addEventListener("input", () => { if (field.value !== "") range.value = field.value; schedule(); });
  }
  for (const id of ["mode", "cell", "hidden", "forget-bias", "seed"]) $(id).addEventListener("input", schedule);

  /** The request for the current controls: only the fields the chosen mode uses. */
  function request() {
    const mode = $("mode").value, body = { mode, steps: Number($("steps").value) };
    if (mode === "example") body.w2 = Number($("w2").value);
    else {
      if (mode === "cell") body.cell = $("cell").value;
      body.hidden = Number($("hidden").value);
      body.seed = Number($("seed").value);
      const bias = $("forget-bias").value;
      if (bias !== "" && (mode === "compare" || ["lstm", "gru"].includes(body.cell))) body.forget_bias = Number(bias);
    }
    return body;
  }

  // One request at a time, always the newest controls (common.js latestOnly): a slow reply never overwrites a newer drawing.
  const ask = latestOnly("gradients", request, (data) => { draw(data); showError(error, null); }, (e) => showError(error, e));
  function schedule() {
    for (const label of document.querySelectorAll("[data-for]")) label.style.display = label.dataset.for.split(" ").includes($("mode").value) ? "" : "none";   // [hidden] loses to label's display
    ask();
  }

  function draw(data) {
    $("description").textContent = data.description;
    const lines = data.series.map((s) => ({ name: label(s.name), values: s.first_input_gradient.map(abs), x: data.lengths }));
    if (data.reference) {
      lines[0].name = "measured by backpropagation through time";
      lines.push({ name: "|" + data.reference.name + "|", values: data.reference.values.map(abs), x: data.lengths, color: "#222", dash: true });
    }
    lineChart($("chart"), {
      series: lines, logY: true, width: 1100, height: 380,
      title: data.mode === "example" ? "First-input gradient of the one-unit ReLU example" : data.mode === "cell" ? `First-input gradient, ${label(data.series[0].name)}` : "First-input gradient, the four cells",
      xLabel: "sequence length T (steps back to the first input)", yLabel: "|∂y_T/∂x_1| (log scale)",
    });
    if (data.reference) {                                   // the measured line wide and pale, so the dashed reference shows on it
      const measured = $("chart").querySelector("path[data-series]");
      measured.setAttribute("stroke-width", 6);
      measured.setAttribute("stroke-opacity", 0.45);
    }
    legendOnTop($("chart"));
    readout(data);
    $("verdicts").replaceChildren(...data.series.map((s) => li(s.summary)));
    $("breaks").textContent = breaks(data);
    sideBySide(data);
    norms(data);
    legendOnTop($("norms"));
    numbers(data);
  }

  /** lineChart writes the series names (its only <text> with a fill) at the top right, where a rising line passes:
   *  lift them above the lines on a pale box. */
  function legendOnTop(svg) {
    const labels = [...svg.querySelectorAll("text[fill]")];
    if (labels.length === 0) return;
    const boxes = labels.map((t) => t.getBBox());
    const x0 = Math.min(...boxes.map((b) => b.x)) - 6, y0 = Math.min(...boxes.map((b) => b.y)) - 4;
    const x1 = Math.max(...boxes.map((b) => b.x + b.width)) + 4, y1 = Math.max(...boxes.map((b) => b.y + b.height)) + 4;
    svg.append(svgEl("rect", { x: x0, y: y0, width: x1 - x0, height: y1 - y0, fill: "#fff", "fill-opacity": 0.88, stroke: "#ddd", rx: 3 }));
    for (const t of labels) svg.append(t);
  }

  /** The last length's values, as text, with the exact number in data-value. */
  function readout(data) {
    const el = $("readout"), T = data.lengths[data.lengths.length - 1];
    el.replaceChildren(`At T = ${T}: `);
    data.series.forEach((s, k) => {
      if (k > 0) el.append("; ");
      el.append(`${data.reference ? "measured ∂y_T/∂x_1" : label(s.name)} = `, value(s.first_input_gradient[T - 1], "measured-" + s.name));
    });
    if (data.reference) el.append(`; ${data.reference.name} = `, value(data.reference.values[T - 1], "reference"));
  }

  function value(v, name) {
    const b = document.createElement("b");
    b.textContent = fmt(v, 6);
    b.dataset.value = String(v);
    b.dataset.name = name;
    return b;
  }

  /** Zeros and infinities cannot sit on a log axis: the line breaks there, and this says so in words. */
  function breaks(data) {
    const notes = [];
    for (const s of data.series) {
      const v = s.first_input_gradient.map(Number), who = data.reference ? "The gradient" : label(s.name);
      const zero = v.findIndex((x) => x === 0), inf = v.findIndex((x) => !Number.isFinite(x));
      if (zero >= 0) notes.push(`${who} is exactly 0 from T = ${data.lengths[zero]}${data.reference ? " (a ReLU switched off, and no gradient passes it)" : ""}: a log axis has no 0, so the line stops there.`);
      if (inf >= 0) notes.push(`${who} is beyond the range of double (${fmt(v[inf])}) from T = ${data.lengths[inf]}: the line stops there.`);
    }
    if (data.reference) {
      const r = data.reference.values.map(Number), inf = r.findIndex((x) => !Number.isFinite(x));
      if (inf >= 0) notes.push(`${data.reference.name} is beyond the range of double from T = ${data.lengths[inf]}.`);
    }
    return notes.join(" ");
  }

  function sideBySide(data) {
    const panel = $("side-by-side"), grid = $("small-charts");
    panel.hidden = data.mode !== "compare";
    if (panel.hidden) { grid.replaceChildren(); return; }
    grid.replaceChildren(...data.series.map((s, k) => {
      const box = document.createElement("div"), svg = svgEl("svg", { role: "img", "aria-label": label(s.name), "data-cell": s.name });
      svg.style.width = "100%";
      svg.style.height = "auto";
      lineChart(svg, { series: [{ name: "", values: s.first_input_gradient.map(abs), x: data.lengths, color: COLORS[k] }], logY: true, width: 300, height: 220, title: label(s.name), xLabel: "T" });
      
      const p = document.createElement("p");
      p.className = "verdict";
      p.textContent = s.verdict ? `The gradient ${s.verdict}.` : "Nothing to compare yet.";
      p.style.margin = ".2em 0 0";
      p.style.color = s.verdict === "survives" ? "#2ca02c" : "#d62728";
      box.append(svg, p);
      return box;
    }));
  }

  function norms(data) {
    const one = data.series.length === 1, s0 = data.series[0];
    const series = one
      ? Object.entries(s0.parameter_gradient_norms).map(([group, values]) => ({ name: group, values: values.map(Number), x: data.lengths }))
      : data.series.map((s) => ({ name: label(s.name), values: s.parameter_gradient_norms.weight_hh.map(Number), x: data.lengths }));
    lineChart($("norms"), {
      series, logY: true, width: 1100, height: 300,
      title: one ? "Gradient norm of each parameter group" : "Gradient norm of the recurrent weights W_hh, per cell",
      xLabel: "sequence length T", yLabel: "‖∇‖ (log scale)",
    });
  }

  function numbers(data) {
    const table = $("numbers"), head = document.createElement("tr");
    const cols = data.series.map((s) => ({ name: data.reference ? "measured ∂y_T/∂x_1" : `${label(s.name)} ∂y_T/∂x_1`, values: s.first_input_gradient }));
    if (data.reference) cols.push({ name: data.reference.name, values: data.reference.values });
    head.append(th("T"), ...cols.map((c) => th(c.name)));
    const rows = data.lengths.map((T, i) => {
      const tr = document.createElement("tr");
      tr.append(td(String(T)), ...cols.map((c) => td(fmt(c.values[i], 6))));
      return tr;
    });
    table.replaceChildren(head, ...rows);
  }

  const abs = (v) => Math.abs(Number(v));
  const NAMES = { rnn_relu: "RNN (ReLU)", rnn_tanh: "RNN (tanh)", lstm: "LSTM", gru: "GRU" };
  const label = (name) => NAMES[name] || name;
  function li(text) { const el = document.createElement("li"); el.textContent = text; return el; }
  function th(text) { const el = document.createElement("th"); el.textContent = text; return el; }
  function td(text) { const el = document.createElement("td"); el.textContent = text; return el; }

  schedule();
});
