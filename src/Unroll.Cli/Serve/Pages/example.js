// The worked example: draws what POST /api/example and /api/example/train return. Nothing here computes the network;
// the numbers on the drawing, in the tables and on the chart all come from the engine.
"use strict";

const PARAMS = [
  { key: "w1", name: "w1", role: "input weight", min: -3, max: 3, start: 1.8 },
  { key: "w2", name: "w2", role: "recurrent weight", min: -3, max: 3, start: -0.5 },
  { key: "w3", name: "w3", role: "output weight", min: -3, max: 3, start: 1.1 },
  { key: "b1", name: "b1", role: "hidden bias", min: -2, max: 2, start: 0 },
  { key: "b2", name: "b2", role: "output bias", min: -2, max: 2, start: 0 },
];
const LEVELS = [["low", 0], ["medium", 0.5], ["high", 1]];
const MAX_DAYS = 50;
const CHUNK = 20;   // training steps per request while running: small enough that the weights visibly move

const state = {
  weights: Object.fromEntries(PARAMS.map((p) => [p.key, p.start])),
  days: [0, 0.5, 1],            // low, medium, high: three copies to start
  losses: [], lossSteps: [],    // the loss chart's history (this training run)
  stepCount: 0,
  training: false, stopAsked: false,
};

const $ = (id) => document.getElementById(id);

// ---- the weight sliders and number fields, kept in sync ----

function buildWeights() {
  const box = $("weights");
  for (const p of PARAMS) {
    const row = document.createElement("div");
    row.className = "weight";
    row.dataset.weight = p.key;
    row.innerHTML = `<label for="slider-${p.key}"><strong>${p.name}</strong> <span class="muted">${p.role}</span></label>` +
      `<input type="range" id="slider-${p.key}" min="${p.min}" max="${p.max}" step="0.01">` +
      `<input type="number" id="field-${p.key}" step="0.01" aria-label="${p.name}">`;
    box.append(row);
    const slider = row.querySelector("input[type=range]"), field = row.querySelector("input[type=number]");
    slider.addEventListener("input", () => {
      field.value = slider.value;
      setWeight(p.key, Number(slider.value));
    });
    field.addEventListener("input", () => {
      if (field.value.trim() === "" || !Number.isFinite(Number(field.value))) { field.classList.add("invalid"); return; }
      field.classList.remove("invalid");
      slider.value = field.value;
      setWeight(p.key, Number(field.value));
    });
  }
  $("reset").addEventListener("click", () => {
    for (const p of PARAMS) state.weights[p.key] = p.start;
    showWeights();
    clearHistory();
    refresh();
  });
  showWeights();
}

function setWeight(key, value) {
  state.weights[key] = value;
  clearHistory();   // the loss chart follows one training run; a hand-moved weight starts a new one
  refresh();
}

/** Puts state.weights into the sliders and fields (after a reset or a training step). */
function showWeights() {
  for (const p of PARAMS) {
    const v = state.weights[p.key];
    $("slider-" + p.key).value = String(v);
    const field = $("field-" + p.key);
    if (document.activeElement !== field || state.training) field.value = String(Number(v.toPrecision(5)));
    field.classList.remove("invalid");
  }
}

// ---- the day editor ----

function buildDays() {
  const box = $("days");
  box.replaceChildren();
  state.days.forEach((value, k) => {
    const day = document.createElement("div");
    day.className = "day";
    day.dataset.day = String(k + 1);
    const head = document.createElement("div");
    head.className = "day-head";
    head.innerHTML = `<span>Day ${k + 1}</span>`;
    const remove = document.createElement("button");
    remove.type = "button"; remove.className = "remove"; remove.textContent = "×";
    remove.title = `Remove day ${k + 1}`; remove.setAttribute("aria-label", `Remove day ${k + 1}`);
    remove.disabled = state.days.length <= 1;
    remove.addEventListener("click", () => { state.days.splice(k, 1); buildDays(); refresh(); });
    head.append(remove);
    const levels = document.createElement("div");
    levels.className = "levels";
    for (const [name, level] of LEVELS) {
      const b = document.createElement("button");
      b.type = "button"; b.textContent = name; b.dataset.level = name;
      b.setAttribute("aria-pressed", String(value === level));
      b.addEventListener("click", () => { state.days[k] = level; buildDays(); refresh(); });
      levels.append(b);
    }
    const field = document.createElement("input");
    field.type = "number"; field.step = "0.1"; field.value = String(value); field.setAttribute("aria-label", `Day ${k + 1} input`);
    field.addEventListener("input", () => {
      if (field.value.trim() === "" || !Number.isFinite(Number(field.value))) { field.classList.add("invalid"); return; }
      field.classList.remove("invalid");
      state.days[k] = Number(field.value);
      for (const b of levels.children) b.setAttribute("aria-pressed", String(state.days[k] === LEVELS.find((l) => l[0] === b.dataset.level)[1]));
      refresh();
    });
    day.append(head, levels, field);
    box.append(day);
  });
  $("add-day").disabled = state.days.length >= MAX_DAYS;
}

// ---- talking to the engine: one request at a time, always the latest state, never a stale reply ----

/** Asks for the drawing of the current weights and days; resolves once a reply no older than this call is shown. */
const refresh = latestOnly("example", () => ({ ...state.weights, days: [...state.days] }),
  (reply) => { render(reply); showError($("example-error"), null); }, (e) => showError($("example-error"), e));

// ---- the drawing ----

const G = { left: 84, top: 56, box: 220, gap: 92, outH: 62, cellH: 104, inH: 40, row: 58 };

function render(reply) {
  drawNetwork(reply);
  const prediction = $("prediction");
  prediction.textContent = fmt(reply.prediction, 6);
  prediction.dataset.value = String(reply.prediction);
  renderScenarios(reply);
}

const MONO_CHAR = 7.6;   // the width of one character of the drawing's 12.5px monospace text, for sizing the boxes

function drawNetwork(reply) {
  const svg = $("drawing"), copies = reply.copies, w = reply.weights, n = copies.length;
  // every text first, so that every copy gets the same box wide enough for the longest number
  const texts = copies.map((c) => ({
    input: `day ${c.day}: ${c.level ? c.level + " = " : ""}${fmt(c.input)}`,
    unit: [
      [`${fmt(c.input)}×${paren(w.w1)} + ${fmt(w.b1)} = ${fmt(c.input_term)}`, "input_term", ""],
      [`+ ${fmt(c.previous)}×${paren(w.w2)} = ${fmt(c.recurrent_term)}`, "recurrent_term", ""],
      [`x = ${fmt(c.sum)}`, "sum", "sum"],
      [`y = max(0, x) = ${fmt(c.activation)}`, "activation", "act"],
    ],
    output: `${fmt(c.activation)}×${paren(w.w3)} + ${fmt(w.b2)}`,
    outputValue: `= ${fmt(c.output)}`,
    carried: `y = ${fmt(c.activation)}`,
  }));
  const longest = Math.max(...texts.flatMap((t) => [t.input, t.output, ...t.unit.map((u) => u[0])].map((s) => s.length)));
  const box = Math.max(G.box, Math.ceil(longest * MONO_CHAR + 26));
  const gap = Math.max(G.gap, Math.ceil(Math.max(...texts.map((t) => t.carried.length)) * 6.6 + 26));
  const pitch = box + gap;
  const outY = G.top, cellY = outY + G.outH + G.row, inY = cellY + G.cellH + G.row;
  const W = G.left + n * pitch - gap + 24, H = inY + G.inH + 10;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  // shrink a wide drawing to the panel, down to 72%; beyond that it scrolls sideways
  const scale = Math.max(0.72, Math.min(1, svg.parentElement.clientWidth / W));
  svg.setAttribute("width", Math.floor(W * scale));
  svg.setAttribute("height", Math.floor(H * scale));
  svg.replaceChildren();
  const defs = svgEl("defs");
  for (const [id, color] of [["arrow", "#555"], ["arrow-rec", "#9467bd"]]) {
    const marker = svgEl("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    marker.append(svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: color }));
    defs.append(marker);
  }
  svg.append(defs);

  // the shared weights, once, at the top
  const legend = svgEl("text", { x: G.left, y: 24, class: "legend" });
  legend.append(svgEl("tspan", { "font-weight": 600 }, "Shared by every copy: "));
  PARAMS.forEach((p, i) => {
    legend.append(svgEl("tspan", { class: "w-" + p.key, "data-weight": p.key, dx: i === 0 ? 4 : 18 }, `${p.name} = ${fmt(w[p.key])}`));
  });
  svg.append(legend);

  // row labels
  for (const [label, y] of [["output", outY + G.outH / 2], ["ReLU unit", cellY + G.cellH / 2], ["input", inY + G.inH / 2]])
    svg.append(svgEl("text", { x: G.left - 14, y: y + 4, "text-anchor": "end", class: "row-label" }, label));

  copies.forEach((c, k) => {
    const t = texts[k], x = G.left + k * pitch, cx = x + box / 2, last = k === n - 1;
    const g = svgEl("g", { "data-copy": String(c.day), class: "copy" + (last ? " last" : "") });

    // input box
    g.append(svgEl("rect", { x, y: inY, width: box, height: G.inH, rx: 6, class: "box input" }));
    g.append(svgEl("text", { x: cx, y: inY + G.inH / 2 + 5, "text-anchor": "middle", class: "mono", "data-field": "input" }, t.input));

    // input → unit, labelled w1
    arrow(g, cx, inY, cx, cellY + G.cellH, "arrow");
    label(g, cx + 8, (inY + cellY + G.cellH) / 2 + 4, `× w1 = ${fmt(w.w1)}`, "start");

    // the unit: the two terms, their sum, the ReLU
    g.append(svgEl("rect", { x, y: cellY, width: box, height: G.cellH, rx: 8, class: "box unit" + (c.sum <= 0 ? " off" : "") }));
    t.unit.forEach(([text, field, cls], i) =>
      g.append(svgEl("text", { x: x + 12, y: cellY + 24 + i * 22, class: "mono " + cls, "data-field": field }, text)));

    // unit → output, labelled w3
    arrow(g, cx, cellY, cx, outY + G.outH, "arrow");
    label(g, cx + 8, (cellY + outY + G.outH) / 2 + 4, `× w3 = ${fmt(w.w3)}`, "start");
    g.append(svgEl("rect", { x, y: outY, width: box, height: G.outH, rx: 6, class: "box output" + (last ? " prediction" : " ignored") }));
    g.append(svgEl("text", { x: cx, y: outY + 19, "text-anchor": "middle", class: "mono" }, t.output));
    g.append(svgEl("text", { x: cx, y: outY + 37, "text-anchor": "middle", class: "mono out", "data-field": "output" }, t.outputValue));
    g.append(svgEl("text", { x: cx, y: outY + 54, "text-anchor": "middle", class: "note" }, last ? "the prediction" : "computed, ignored"));

    // y → the next copy, labelled w2
    if (!last) {
      const y = cellY + G.cellH / 2, x0 = x + box, x1 = x + pitch;
      arrow(g, x0, y, x1, y, "arrow-rec", "rec");
      label(g, (x0 + x1) / 2, y - 8, t.carried, "middle", "rec");
      label(g, (x0 + x1) / 2, y + 18, `× w2`, "middle", "rec");
    }
    svg.append(g);
  });
}

function arrow(g, x1, y1, x2, y2, marker, cls = "") {
  g.append(svgEl("line", { x1, y1, x2, y2, class: "edge " + cls, "marker-end": `url(#${marker})` }));
}

function label(g, x, y, text, anchor, cls = "") {
  g.append(svgEl("text", { x, y, "text-anchor": anchor, class: "edge-label " + cls }, text));
}

/** A weight inside a product: negative numbers in parentheses, as written by hand. */
function paren(x) {
  return Number(x) < 0 ? `(${fmt(x)})` : fmt(x);
}

// ---- the scenarios table ----

function renderScenarios(reply) {
  const body = $("scenarios").querySelector("tbody");
  body.replaceChildren();
  reply.scenarios.forEach((s, k) => {
    const tr = document.createElement("tr");
    tr.dataset.scenario = String(k);
    const cells = [s.name, fmt(s.target), fmt(s.prediction, 4), fmt(s.residual, 4), fmt(s.squared_residual, 4)];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (i === 0) td.title = "inputs " + s.days.map((d) => fmt(d)).join(", ");
      if (i === 2) { td.className = "prediction"; td.dataset.value = String(s.prediction); }
      tr.append(td);
    });
    body.append(tr);
  });
  $("ssr").textContent = fmt(reply.sum_squared_residuals, 4);
  $("ssr").dataset.value = String(reply.sum_squared_residuals);
}

// ---- training ----

function clearHistory() {
  state.losses = []; state.lossSteps = []; state.stepCount = 0;
  drawLoss();
  const none = document.createElement("tr");
  none.className = "caption";
  none.innerHTML = `<td colspan="4">No step yet: each step's gradients show here.</td>`;
  $("gradients").querySelector("tbody").replaceChildren(none);
  $("train-status").textContent = "";
}

function drawLoss() {
  lineChart($("loss-chart"), {
    series: [{ name: "sum of squared residuals", values: state.losses, x: state.lossSteps }],
    logY: true, xLabel: "step", yLabel: "loss (log scale)", width: 1120, height: 280,
  });
  if (state.losses.length === 0)
    $("loss-chart").append(svgEl("text", { x: 590, y: 140, "text-anchor": "middle", class: "placeholder" }, "Press “One step” or “Run”: the loss of every step appears here."));
}

/** Reads the training fields; throws a one-line error naming the field when one is not a number. */
function trainSettings() {
  const number = (id, name) => {
    const v = Number($(id).value);
    if ($(id).value.trim() === "" || !Number.isFinite(v)) throw new Error(`${name} is not a number: type one, such as ${$(id).defaultValue}`);
    return v;
  };
  return { from: $("from").value, seed: number("seed", "seed"), learning_rate: number("rate", "learning rate"), steps: number("steps", "steps") };
}

async function train(total) {
  if (state.training) return;
  let settings;
  try { settings = trainSettings(); } catch (e) { showError($("train-error"), e); return; }
  showError($("train-error"), null);
  state.training = true; state.stopAsked = false;
  setTraining(true);
  if (settings.from === "random") clearHistory();
  let from = settings.from, done = 0;
  try {
    while (done < total && !state.stopAsked) {
      const steps = Math.min(total - done, total === 1 ? 1 : CHUNK);
      const reply = await api("example/train", { from, seed: settings.seed, steps, learning_rate: settings.learning_rate, weights: { ...state.weights } });
      from = "current";
      $("from").value = "current";   // the next press continues from here
      for (const s of reply.steps) {
        state.stepCount += 1;
        state.lossSteps.push(state.stepCount);
        state.losses.push(s.loss);
      }
      done += reply.steps.length;
      state.weights = { ...reply.weights };
      showWeights();
      if (reply.steps.length) showGradients(reply.steps[reply.steps.length - 1], reply.loss);
      drawLoss();
      $("train-status").textContent = `step ${state.stepCount} · loss now ${fmt(reply.loss, 4)}`;
      $("train-status").dataset.loss = String(reply.loss);
      await refresh();
      if (reply.diverged) throw new Error(reply.diverged);
    }
  } catch (e) {
    showError($("train-error"), e);
  } finally {
    state.training = false;
    setTraining(false);
  }
}

function setTraining(on) {
  for (const id of ["step-once", "run", "from", "seed", "rate", "steps", "reset", "add-day"]) $(id).disabled = on;
  for (const p of PARAMS) { $("slider-" + p.key).disabled = on; $("field-" + p.key).disabled = on; }
  if (!on) $("add-day").disabled = state.days.length >= MAX_DAYS;
  $("stop").disabled = !on;
}

function showGradients(step, lossAfter) {
  const body = $("gradients").querySelector("tbody");
  body.replaceChildren();
  for (const p of PARAMS) {
    const tr = document.createElement("tr");
    tr.dataset.weight = p.key;
    for (const text of [p.name, fmt(step.weights[p.key], 6), fmt(step.gradient[p.key], 4), fmt(step.change[p.key], 4)]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
  const caption = document.createElement("tr");
  caption.className = "caption";
  caption.innerHTML = `<td colspan="4"></td>`;
  caption.firstChild.textContent = `Step ${state.stepCount}: loss ${fmt(step.loss, 4)} before it, ${fmt(lossAfter, 4)} after.`;
  body.append(caption);
}

// ---- start ----

document.addEventListener("DOMContentLoaded", () => {
  buildWeights();
  buildDays();
  $("add-day").addEventListener("click", () => {
    if (state.days.length >= MAX_DAYS) return;
    state.days.push(0.5);
    buildDays();
    refresh();
  });
  $("step-once").addEventListener("click", () => train(1));
  $("run").addEventListener("click", () => {
    let total;
    try { total = trainSettings().steps; } catch (e) { showError($("train-error"), e); return; }
    train(total);
  });
  $("stop").addEventListener("click", () => { state.stopAsked = true; });
  clearHistory();
  refresh();
});
