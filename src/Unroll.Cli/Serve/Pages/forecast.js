// The forecasting page: pick or upload a CSV, set the main options, train with a live loss chart (server-sent events)
// and a cancel button, then show each series' forecast and the backtest against the baselines. Every number comes
// from the server; this file only sends what the user typed and draws what comes back.
"use strict";

const byId = (id) => document.getElementById(id);
let source = null;      // the EventSource of the current training
let losses = [];        // the "epoch" events received, in order

document.addEventListener("DOMContentLoaded", async () => {
  byId("dataset").addEventListener("change", showChosen);
  byId("file").addEventListener("change", uploadFile);
  byId("train").addEventListener("click", train);
  byId("cancel").addEventListener("click", cancel);
  try {
    const reply = await api("forecast/datasets");
    for (const d of reply.datasets) byId("dataset").append(option(d, d.name));
    for (const input of document.querySelectorAll("[data-option]")) {
      const value = reply.options[input.dataset.option];
      if (value !== undefined && value !== null) input.value = value;
    }
    showChosen();
    byId("train").disabled = false;
  } catch (e) {
    showError(byId("data-error"), e);
  }
  listen(false);        // a training of this session, running or finished, from before a reload
});

/** An <option> for a data set; `d` is kept on it to describe the data. */
function option(d, label) {
  const el = document.createElement("option");
  el.value = d.upload ? "upload:" + d.upload : d.name;
  el.textContent = label;
  el.info = d;
  return el;
}

function chosen() {
  const select = byId("dataset");
  return select.selectedIndex < 0 ? null : select.options[select.selectedIndex].info;
}

/** Describes the chosen data: its series, their lengths, dates and frequency, and the reading notes. */
function showChosen() {
  const d = chosen(), box = byId("data-info");
  box.replaceChildren();
  if (!d) return;
  const p = document.createElement("p");
  p.textContent = `${d.name}: ${d.series.length} series of ${d.column}, ${d.rows} values.`;
  box.append(p);
  box.append(table(["series", "points", "from", "to", "dates"],
    d.series.map((s) => [s.name, String(s.points), s.first, s.last, s.frequency]), "data-series"));
  notes(box, d.notes);
}

async function uploadFile() {
  const input = byId("file"), error = byId("data-error");
  showError(error, null);
  if (!input.files.length) return;
  const form = new FormData();
  form.append("file", input.files[0]);
  form.append("missing", byId("missing").value);
  form.append("date_order", byId("date-order").value);
  form.append("decimal", byId("decimal").value);
  form.append("resample", byId("resample").value);
  if (byId("sort").checked) form.append("sort", "true");
  try {
    const info = await upload("forecast/upload", form);
    const select = byId("dataset");
    const el = option(info, `${info.name} (uploaded)`);
    select.append(el);
    select.value = el.value;
    showChosen();
  } catch (e) {
    showError(error, e);
  } finally {
    input.value = "";
  }
}

async function train() {
  const d = chosen(), error = byId("train-error");
  showError(error, null);
  if (!d) return;
  const body = d.upload ? { upload: d.upload } : { dataset: d.name };
  for (const input of document.querySelectorAll("[data-option]"))
    if (input.value.trim() !== "") body[input.dataset.option] = input.value.trim();
  byId("train").disabled = true;
  try {
    await api("forecast/train", body);
    byId("results").hidden = true;
    listen(true);
  } catch (e) {
    showError(error, e);
    byId("train").disabled = false;
  }
}

async function cancel() {
  byId("cancel").disabled = true;
  try {
    await api("forecast/cancel", {});
    status("Cancelling after the current batch…");
  } catch (e) {
    showError(byId("train-error"), e);
  }
}

/** Follows the session's training as server-sent events; EventSource reconnects by itself and the server resumes after the last event seen. */
function listen(fresh) {
  if (source) source.close();
  source = new EventSource("/api/forecast/events");
  source.addEventListener("started", (m) => {
    const d = JSON.parse(m.data);
    losses = [];
    running(true);
    byId("loss-panel").hidden = false;
    drawLoss();
    status(`Training on ${d.dataset} (${d.series.length} series), up to ${d.epochs} epochs…`);
  });
  source.addEventListener("epoch", (m) => {
    const p = JSON.parse(m.data);
    losses.push(p);
    drawLoss();
    const validation = p.validation_loss === undefined || p.validation_loss === null ? "" : `, validation loss ${fmt(p.validation_loss)}`;
    status(`Epoch ${p.epoch} of ${p.epochs}: training loss ${fmt(p.train_loss)}${validation} (${fmt(p.elapsed_seconds, 3)} s)`);
  });
  source.addEventListener("done", async (m) => {
    finish();
    status(JSON.parse(m.data).message);
    try {
      await showResult();
    } catch (e) {
      showError(byId("train-error"), e);
    }
  });
  source.addEventListener("cancelled", (m) => {
    finish();
    status("Cancelled: " + JSON.parse(m.data).message);
  });
  source.addEventListener("failed", (m) => {
    finish();
    status("");
    showError(byId("train-error"), new Error(JSON.parse(m.data).error));
  });
  source.onerror = () => {
    // No training in this session or every event already seen (both 204), or the server gone: nothing to follow.
    // Otherwise (readyState CONNECTING) EventSource reconnects by itself and the server resumes after the last event.
    if (source.readyState === EventSource.CLOSED) {
      running(false);
      if (fresh) status("The connection to the server was lost; reload the page to see how the training ended.");
    }
  };
}

function finish() {
  source.close();
  running(false);
}

function running(on) {
  byId("train").disabled = on;
  byId("cancel").disabled = !on;
}

function status(text) {
  byId("status").textContent = text;
}

function drawLoss() {
  const epochs = losses.map((p) => p.epoch);
  const series = [{ name: "training loss", values: losses.map((p) => p.train_loss), x: epochs, color: "#1f6fd1" }];
  if (losses.some((p) => p.validation_loss !== undefined && p.validation_loss !== null))
    series.push({ name: "validation loss", values: losses.map((p) => p.validation_loss ?? NaN), x: epochs, color: "#e8590c" });
  lineChart(byId("loss"), { series, xLabel: "epoch", yLabel: "loss", width: 1100, height: 260 });
}

// ---- the result ---------------------------------------------------------------------------------------------------

async function showResult() {
  const r = await api("forecast/result");
  const summary = byId("summary");
  summary.replaceChildren();
  const lead = document.createElement("p");
  lead.textContent = `${r.message} Data: ${r.dataset}; settings: ${r.settings.map((s) => `${s.name} ${s.value}`).join(", ")}.`;
  summary.append(lead);
  for (const text of [r.verdict, r.ranking]) {
    const p = document.createElement("p");
    p.className = "verdict";
    p.textContent = text;
    summary.append(p);
  }
  notes(summary, [...r.warnings.map((w) => "Warning: " + w), ...r.notes.map((n) => "Note: " + n)]);
  if (r.model) {
    const a = document.createElement("a");
    a.className = "download";
    a.id = "download";
    a.href = r.model;
    a.download = r.model_file;
    a.textContent = `Download the model (${r.model_file})`;
    summary.append(a);
    const hint = document.createElement("p");
    hint.className = "muted small";
    hint.textContent = `Trained on all but the test part of each series. Forecast with it: unroll predict --model ${r.model_file} --data FILE`;
    summary.append(hint);
  } else if (r.model_refused) {
    notes(summary, [r.model_refused]);
  }
  summary.append(scores(r.overall, r.methods, r.levels, "Over all series", null));

  const list = byId("series");
  list.replaceChildren();
  for (const s of r.series) list.append(seriesSection(s, r));
  byId("results").hidden = false;
}

function seriesSection(s, r) {
  const section = document.createElement("section");
  section.className = "series";
  section.dataset.symbol = s.symbol;
  const h = document.createElement("h3");
  h.textContent = s.symbol;
  const meta = document.createElement("p");
  meta.className = "muted meta";
  meta.textContent = `${s.points} points from ${s.first} to ${s.last}, ${s.frequency}; test period from ${s.test_start} (${s.origins} forecast origins).`;
  section.append(h, meta);
  if (s.forecast_chart) section.append(chart(s.forecast_chart, "forecast-chart"));
  const tables = document.createElement("div");
  tables.className = "tables";
  if (s.forecast) tables.append(forecastTable(s.forecast, r.levels));
  tables.append(scores(s.scores, r.methods, r.levels, `Backtest of ${s.symbol} (★ best here by MASE)`, s.scores.best));
  section.append(tables);
  const details = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = "The whole history, with the backtest's forecasts over the test period";
  details.append(summary, chart(s.history_chart, "history-chart"));
  section.append(details);
  return section;
}

/** The server's SVG chart (drawn by the report's code), parsed as SVG and adopted: no markup is injected as HTML. */
function chart(svgText, className) {
  const figure = document.createElement("figure");
  figure.className = "chart " + className;
  const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
  if (doc.documentElement.nodeName === "svg") figure.append(document.importNode(doc.documentElement, true));
  return figure;
}

function forecastTable(f, levels) {
  const headers = ["step", "date", "forecast", ...f.intervals.map((i) => `${percent(i.level)} interval`)];
  const rows = f.values.map((v, k) => [String(k + 1), f.dates ? f.dates[k] : "–", fmt(v, 5),
    ...f.intervals.map((i) => `${fmt(i.lower[k], 5)} to ${fmt(i.upper[k], 5)}`)]);
  return table(headers, rows, "forecast-values", "Forecast past the last date");
}

/** A backtest table as `unroll backtest` prints it: one row per method, the model first. */
function scores(byMethod, methods, levels, caption, best) {
  const last = levels[levels.length - 1];
  const headers = ["method", "MAE", "RMSE", "MAPE %", "MASE", "direction %", ...levels.map((l) => `${percent(l)} cover`), `MSIS ${percent(last)}`];
  const t = table(headers, [], "scores", caption);
  const body = t.tBodies[0];
  for (const m of methods) {
    const s = byMethod[m];
    if (!s) continue;
    const tr = body.insertRow();
    tr.dataset.method = m;
    if (m === "model") tr.className = "model";
    if (m === best) tr.classList.add("best");
    tr.insertCell().textContent = m;
    if (s.not_applicable) {
      const td = tr.insertCell();
      td.colSpan = headers.length - 1;
      td.className = "na";
      td.textContent = "n/a: " + s.not_applicable;
      continue;
    }
    const key = (l) => String(Math.round(l * 100));
    for (const v of [s.mae, s.rmse, s.mape_percent, s.mase]) tr.insertCell().textContent = number(v);
    tr.insertCell().textContent = percentOf(s.direction);
    for (const l of levels) tr.insertCell().textContent = percentOf(s["coverage_" + key(l)]);
    tr.insertCell().textContent = number(s["msis_" + key(last)]);
  }
  return t;
}

function table(headers, rows, className, caption) {
  const t = document.createElement("table");
  t.className = className;
  if (caption) t.createCaption().textContent = caption;
  const head = t.createTHead().insertRow();
  for (const h of headers) {
    const th = document.createElement("th");
    th.textContent = h;
    head.append(th);
  }
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell;
  }
  return t;
}

function notes(parent, lines) {
  if (!lines || !lines.length) return;
  const ul = document.createElement("ul");
  ul.className = "notes";
  for (const line of lines) {
    const li = document.createElement("li");
    li.textContent = line;
    ul.append(li);
  }
  parent.append(ul);
}

/** A metric the server could not compute is null: shown as a dash. */
function number(v) {
  return v === null || v === undefined ? "–" : fmt(v);
}

/** A fraction as a percentage, for reading (the CLI prints direction and coverage in percent). */
function percentOf(v) {
  return v === null || v === undefined ? "–" : fmt(v * 100, 3);
}

function percent(level) {
  return fmt(level * 100, 3) + "%";
}
