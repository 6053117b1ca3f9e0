/* convfig playground page: controls <-> URL (the CLI's keys and syntax), the Keras line, shapes, padding,
 * parameter count, the `convfig gif` command, and the animation drawn as SVG with the real numbers.
 * Plain JavaScript, no dependencies; the numbers come from engine.js (checked against convfig in tests).
 * Every drawn output cell carries data-index ("r,c,f"; "t,f" in 1D; "d,r,c,f" in 3D) and data-value.
 * MIT licence, like the rest of convfig.
 */
(function () {
  "use strict";
  const E = window.ConvfigEngine;
  const root = document.getElementById("convfig-playground");
  if (!root || !E || root.dataset.ready) return;
  root.dataset.ready = "1";

  const PAGE_DEFAULT = { input: "6x6", channels: "1", filters: "1", kernel: "3", strides: "2", padding: "same",
    dilation: "1", groups: "1", seed: "0" };
  const AXIS_KEYS = ["input", "kernel", "strides", "dilation"];
  const COUNT_KEYS = ["channels", "filters", "groups", "seed"];
  const AXIS_NAMES = { 1: ["steps"], 2: ["height", "width"], 3: ["depth", "height", "width"] };
  const LABELS = { input: "input size", kernel: "kernel_size", strides: "strides", dilation: "dilation_rate",
    channels: "channels", filters: "filters", groups: "groups", seed: "seed", padding: "padding" };
  const HASH_ORDER = ["input", "kernel", "strides", "padding", "dilation", "groups", "channels", "filters", "seed"];
  // your own numbers in the address: the CLI's flags without "--" (values, kernel-values, bias)
  const URL_KEYS = { values: "values", kernel_values: "kernel-values", bias: "bias" };
  const NUMBER_NAMES = { values: "input values", kernel_values: "kernel weights", bias: "bias" };
  const PADDINGS = [["valid", "valid"], ["same", "same"], ["causal", "causal (Conv1D only)"],
    ["full", "full (not a Keras option)"], ["1", "1 (explicit, PyTorch style)"], ["2", "2 (explicit)"]];
  const STEP_MS = 700;
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
    "'": "&#39;" }[c]));
  // a number as the figures write it (convfig.render.fmt.num): 3, −1, 0.25 (two decimals at most)
  function num(v) {
    let t = Math.abs(v - Math.round(v)) < 1e-9 ? String(Math.round(v)) : v.toFixed(2).replace(/\.?0+$/, "");
    if (t === "-0") t = "0";
    return t.replace("-", "\u2212");
  }
  const tokens = (s) => String(s).trim().toLowerCase().replace(/×/g, "x").split(/[x,\s]+/).filter((t) => t);
  const reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  let raw = Object.assign({}, PAGE_DEFAULT);
  let state = null;        // {layer, tr, step, cells...} of the drawn layer
  let timer = null;
  let lastHash = "";

  // ---------------- controls ----------------
  function axisField(key) {
    let inputs = "";
    for (let i = 0; i < 3; i++) {
      inputs += `${i ? '<span class="cfp-times" aria-hidden="true">×</span>' : ""}<input type="text" ` +
        `inputmode="numeric" autocomplete="off" spellcheck="false" size="3" id="cfp-${key}-${i}" data-key="${key}" ` +
        `data-axis="${i}">`;
    }
    return `<fieldset class="cfp-field cfp-axes" data-key="${key}"><legend>${LABELS[key]}</legend>` +
      `<span class="cfp-axis-inputs">${inputs}</span></fieldset>`;
  }
  function countField(key) {
    return `<div class="cfp-field"><label for="cfp-${key}">${LABELS[key]}</label><input type="text" ` +
      `inputmode="numeric" autocomplete="off" spellcheck="false" size="${key === "seed" ? 10 : 3}" ` +
      `id="cfp-${key}" data-key="${key}"></div>`;
  }
  root.innerHTML =
    `<form class="cfp-controls" aria-label="Layer parameters" onsubmit="return false">` +
    `<div class="cfp-field"><label for="cfp-layer">layer</label><select id="cfp-layer">` +
    `<option value="1">Conv1D</option><option value="2">Conv2D</option><option value="3">Conv3D</option>` +
    `</select></div>` + axisField("input") + countField("channels") + countField("filters") +
    axisField("kernel") + axisField("strides") +
    `<div class="cfp-field"><label for="cfp-padding">padding</label><select id="cfp-padding" data-key="padding">` +
    `</select></div>` + axisField("dilation") + countField("groups") +
    `<div class="cfp-seed">${countField("seed")}` +
    `<button type="button" class="md-button cfp-small" id="cfp-shuffle">New numbers</button></div>` +
    `</form>` +
    `<div class="cfp-refusal" id="cfp-refusal" role="status" aria-live="polite" hidden></div>` +
    `<div class="cfp-result" id="cfp-result">` +
    `<div class="cfp-numbers" id="cfp-numbers" role="status" aria-live="polite" hidden></div>` +
    `<div class="cfp-summary" id="cfp-summary"></div>` +
    `<div class="cfp-player" role="group" aria-label="Animation controls">` +
    `<button type="button" class="md-button" id="cfp-prev" aria-label="Previous step">&#9664; Back</button>` +
    `<button type="button" class="md-button md-button--primary" id="cfp-play">Play</button>` +
    `<button type="button" class="md-button" id="cfp-next" aria-label="Next step">Next &#9654;</button>` +
    `<input type="range" id="cfp-scrub" min="1" max="1" value="1" aria-label="Step">` +
    `<span class="cfp-counter" id="cfp-counter"></span></div>` +
    `<p class="cfp-step-text" id="cfp-step-text" aria-live="polite"></p>` +
    `<div class="cfp-figure" id="cfp-figure" tabindex="0" role="group" aria-label="Convolution figure: ` +
    `arrow keys step, space plays or pauses"></div>` +
    `<div class="cfp-eq" id="cfp-eq"></div><div class="cfp-info" id="cfp-info"></div></div>` +
    `<svg class="cfp-defs" aria-hidden="true" width="0" height="0"><defs><pattern id="cfp-hatch" width="6" ` +
    `height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" ` +
    `class="cfp-hatch-bg"/><line x1="0" y1="0" x2="0" y2="6" class="cfp-hatch-line"/></pattern></defs></svg>`;
  const $ = (id) => document.getElementById(id);
  const form = root.querySelector(".cfp-controls");

  function setPaddingOptions(value) {
    const sel = $("cfp-padding");
    const known = PADDINGS.some(([v]) => v === value);
    const opts = PADDINGS.concat(known ? [] : [[value, `${value} (from the link)`]]);
    sel.innerHTML = opts.map(([v, label]) => `<option value="${esc(v)}">${esc(label)}</option>`).join("");
    sel.value = value;
  }

  function rankOf(r) {
    const n = tokens(r.input).length;
    return n >= 1 && n <= 3 ? n : 2;
  }

  // raw values -> what the controls show
  function syncControls() {
    const rank = rankOf(raw);
    $("cfp-layer").value = String(rank);
    for (const key of AXIS_KEYS) {
      const t = tokens(raw[key]);
      for (let i = 0; i < 3; i++) {
        const el = $(`cfp-${key}-${i}`);
        el.value = t.length === 1 && key !== "input" ? t[0] : (t[i] !== undefined ? t[i] : "");
        el.hidden = i >= rank;
        el.setAttribute("aria-label", `${LABELS[key]}, ${AXIS_NAMES[rank][i] || "axis " + i}`);
        if (el.previousElementSibling && el.previousElementSibling.classList.contains("cfp-times")) {
          el.previousElementSibling.hidden = i >= rank;
        }
      }
    }
    for (const key of COUNT_KEYS) $(`cfp-${key}`).value = raw[key];
    setPaddingOptions(String(raw.padding).trim().toLowerCase() === raw.padding ? raw.padding : raw.padding);
  }

  // a control changed -> raw values (the CLI's syntax: one int when every axis agrees)
  function readControl(el) {
    const key = el.dataset.key;
    if (AXIS_KEYS.includes(key)) {
      const rank = Number($("cfp-layer").value);
      const vals = [];
      for (let i = 0; i < rank; i++) vals.push($(`cfp-${key}-${i}`).value.trim());
      if (vals.some((v) => v === "")) return false;      // wait until every axis has a value
      raw[key] = key !== "input" && new Set(vals).size === 1 ? vals[0] : vals.join("x");
    } else if (key) {
      raw[key] = el.value.trim();
    }
    return true;
  }

  function changeRank(rank) {
    const resize = (value, fallback, keepSingle) => {
      const t = tokens(value);
      if (keepSingle && t.length === 1) return t[0];
      const out = [];
      for (let i = 0; i < rank; i++) out.push(t[i] !== undefined ? t[i] : (t[t.length - 1] || fallback));
      return keepSingle && new Set(out).size === 1 ? out[0] : out.join("x");
    };
    raw.input = resize(raw.input, "6", false);
    for (const key of ["kernel", "strides", "dilation"]) raw[key] = resize(raw[key], "1", true);
    if (rank === 3) {      // keep a 3D layer small enough to read
      raw.input = tokens(raw.input).map((v) => (Number(v) > 6 ? "5" : v)).join("x");
    }
  }

  form.addEventListener("input", (ev) => {
    const el = ev.target;
    if (el.id === "cfp-layer") return;
    if (readControl(el)) update(true);
  });
  form.addEventListener("change", (ev) => {
    if (ev.target.id === "cfp-layer") {
      changeRank(Number(ev.target.value));
      syncControls();
      update(true);
    }
  });
  form.addEventListener("keydown", (ev) => {      // arrow keys step the number fields
    const el = ev.target;
    if (el.tagName !== "INPUT" || (ev.key !== "ArrowUp" && ev.key !== "ArrowDown")) return;
    const v = Number(el.value);
    if (!Number.isInteger(v)) return;
    const min = el.dataset.key === "seed" || el.dataset.key === "padding" ? 0 : 1;
    el.value = String(Math.max(min, v + (ev.key === "ArrowUp" ? 1 : -1)));
    ev.preventDefault();
    if (readControl(el)) update(true);
  });
  $("cfp-shuffle").addEventListener("click", () => {
    raw.seed = String(Math.floor(Math.random() * 1000000));
    $("cfp-seed").value = raw.seed;
    update(true);
  });

  // ---------------- URL ----------------
  const enc = (v) => String(v).replace(/[^A-Za-z0-9x:;,._\-]/g, (c) => encodeURIComponent(c));
  function hashOf(r) {
    const parts = HASH_ORDER.map((k) => `${k}=${enc(r[k])}`);
    for (const k of E.NUMBER_KEYS) if (r[k] != null) parts.push(`${URL_KEYS[k]}=${enc(r[k])}`);
    return "#" + parts.join("&");
  }
  function readHash() {
    const h = location.hash.replace(/^#/, "");
    if (!h.includes("=")) return false;
    const q = new URLSearchParams(h);
    const r = Object.assign({}, E.DEFAULTS);        // missing keys: the CLI's defaults, as `convfig gif`
    for (const k of E.KEYS) if (q.has(k)) r[k] = q.get(k);
    for (const k of E.NUMBER_KEYS) {          // kernel-values (the flag's spelling) or kernel_values (the fence's)
      const name = [URL_KEYS[k], k].find((n) => q.has(n));
      if (name) r[k] = q.get(name);
    }
    raw = r;
    return true;
  }
  // the address follows the controls a moment after the redraw, not in its frame (a new URL costs Chromium
  // a few milliseconds of main-thread work, a favicon check among them); typing fast writes it once
  let hashTimer = null;
  function writeHash(r) {
    lastHash = hashOf(r);
    clearTimeout(hashTimer);
    hashTimer = setTimeout(flushHash, 120);
  }
  let urlHash = location.hash;      // the address as last read or written here
  function flushHash() {
    clearTimeout(hashTimer);
    hashTimer = null;
    if (location.hash !== urlHash) return;       // the reader went to another address: hashchange reads it
    if (location.hash !== lastHash) history.replaceState(null, "", lastHash);
    urlHash = lastHash;
  }
  window.addEventListener("pagehide", flushHash);
  window.addEventListener("hashchange", () => {
    clearTimeout(hashTimer);
    hashTimer = null;
    urlHash = location.hash;
    if (location.hash === lastHash) return;
    if (readHash()) { syncControls(); update(false); }
  });

  // ---------------- layer -> page ----------------
  const timings = {};
  // Your own numbers (values, kernel_values, bias from the link): a link whose numbers do not fit its layer is
  // refused in the engine's words, as `convfig gif` refuses that command. A control change that makes them no
  // longer fit (another input size, more channels, ...) sets those numbers aside: the seed's are drawn instead,
  // a note says which and why, and they come back as soon as the layer fits them again. The address and the
  // command always give the figure drawn.
  function numbersKey(message, r) {
    return E.NUMBER_KEYS.find((k) => r[k] != null && message.startsWith(k + " ")) || null;
  }
  function update(fromControls) {
    timings.start = performance.now();
    stop();
    let layer, effective = raw;
    const aside = [];       // [key, message]: given numbers set aside for this layer
    let message = null, kind = "refusal", heading = "Keras refuses this layer";
    try {
      try {
        E.parseParams(raw);
      } catch (e) {
        heading = "Not a value this parameter takes";
        throw e;
      }
      for (;;) {
        try {
          layer = E.layer(effective);
          break;
        } catch (e) {
          const key = e instanceof E.ConvfigError ? numbersKey(e.message, effective) : null;
          if (!key) throw e;
          if (fromControls === false) {
            heading = "These numbers do not fit this layer";
            throw e;
          }
          aside.push([key, e.message]);
          effective = Object.assign({}, effective);
          delete effective[key];
        }
      }
      message = E.checkBudget(layer.spec);
      if (message) [kind, heading] = ["cap", "Too big for the page"];
    } catch (e) {
      if (!(e instanceof E.ConvfigError)) throw e;
      message = e.message;
    }
    if (fromControls !== false) writeHash(effective); else lastHash = location.hash;
    const refusal = $("cfp-refusal");
    if (message) {
      const given = E.NUMBER_KEYS.some((k) => raw[k] != null);
      refusal.hidden = false;
      refusal.className = "cfp-refusal cfp-is-" + kind;
      refusal.innerHTML = `<strong>${heading}</strong><span class="cfp-message">${esc(message)}</span>` +
        (kind === "cap" ? "<span class=\"cfp-hint\">This limit is the playground's, not Keras's: the page " +
          "stays responsive. The engine and <code>convfig gif</code> go further.</span>" : "") +
        (given ? `<span class="cfp-hint">${forgetButton("Draw it with the seed's numbers instead")}</span>` : "");
      $("cfp-result").hidden = true;
      root.dataset.status = kind;
      state = null;
      return;
    }
    if (!refusal.hidden) {
      refusal.hidden = true;
      refusal.innerHTML = "";
    }
    $("cfp-result").hidden = false;
    const ex = E.example(layer.spec, layer.params.seed, layer.given);
    const tr = E.trace(layer.spec, ex.x, ex.k, ex.b);
    timings.engine = performance.now();
    showNumbers(layer, aside);
    showInfo(layer, effective);
    timings.info = performance.now();
    draw(layer, tr);
    setAttr(root, "data-status", "ok");
  }

  const forgetButton = (label) => `<button type="button" class="md-button cfp-small cfp-forget">${label}</button>`;
  root.addEventListener("click", (ev) => {
    if (!ev.target.closest || !ev.target.closest(".cfp-forget")) return;
    for (const k of E.NUMBER_KEYS) delete raw[k];
    update(true);
  });
  // which numbers are the reader's own (from the link), and which are set aside for this layer
  let shownNumbers = "";
  function showNumbers(layer, aside) {
    const el = $("cfp-numbers");
    const used = E.NUMBER_KEYS.filter((k) => layer.parsed[k]);
    if (!used.length && !aside.length) {
      if (!el.hidden) { el.hidden = true; el.innerHTML = ""; }
      shownNumbers = "";
      root.dataset.numbers = "";
      return;
    }
    const named = (k) => NUMBER_NAMES[k] + (typeof layer.parsed[k][0] === "string" ? ` (${layer.parsed[k][0]})` : "");
    let html = "";
    if (used.length) {
      const seeded = ["values", "kernel_values"].filter((k) => !used.includes(k)).map((k) => NUMBER_NAMES[k]);
      html += `<p><strong>Your numbers:</strong> ${used.map(named).join(", ")}, from the link` +
        (seeded.length ? `; the seed gives the ${seeded.join(" and ")}` : "") +
        (used.includes("bias") ? "" : "; the bias is 0") + ".</p>";
    }
    for (const [key, why] of aside) {
      html += `<p class="cfp-aside"><strong>Set aside: the ${NUMBER_NAMES[key]} from the link.</strong> ` +
        `<code>${esc(why)}</code>. The seed's numbers are drawn instead; yours come back when the layer fits ` +
        "them again.</p>";
    }
    html += `<p>${forgetButton("Use the seed's numbers")}</p>`;
    if (html !== shownNumbers) el.innerHTML = html;      // a live region: said again only when it changes
    shownNumbers = html;
    el.hidden = false;
    root.dataset.numbers = used.join(",") + (aside.length ? ";aside:" + aside.map(([k]) => k).join(",") : "");
  }

  // an element's HTML written only when it changes (a redraw keeps much of it: no DOM, style or layout work for
  // that part); true when written
  function setHTML(el, html) {
    if (el.cfpHTML === html) return false;
    el.innerHTML = html;
    el.cfpHTML = html;
    return true;
  }
  const setText = (el, t) => el.textContent !== t && (el.textContent = t);
  const setAttr = (el, name, v) => el.getAttribute(name) !== v && el.setAttribute(name, v);
  function shapeText(t) { return "(None, " + t.join(", ") + ")"; }
  function showInfo(layer, effective) {
    const s = layer.spec, cg = s.channels / s.groups;
    const rf = s.ke.join("×"), k = s.kernel.join("×");
    const wide = s.ke.some((v, i) => v !== s.kernel[i]) ? ` (spread over ${rf} by dilation_rate)` : "";
    const chans = cg === 1 ? "1 input channel" : `${cg} input channels`;
    const group = s.groups > 1 ? ` (its group's share of the ${s.channels}: groups=${s.groups})` : "";
    const perAxis = s.pads.map(([b, a], i) => `${AXIS_NAMES[s.rank][i]} ${b} / ${a}`).join(", ");
    setHTML($("cfp-summary"),
      `<p class="cfp-keras"><code>${esc(s.keras)}</code></p>` +
      `<p class="cfp-shapes">input <code>${shapeText(s.input.concat([s.channels]))}</code> → output ` +
      `<code id="cfp-output-shape">${shapeText(s.outputShape)}</code></p>`);
    const info = `<dl class="cfp-facts">` +
      `<dt>Padding</dt><dd>${esc(s.paddingText)} <span class="cfp-muted">(before / after per axis: ` +
      `${esc(perAxis)})</span></dd>` +
      `<dt>Parameters</dt><dd>${s.params.toLocaleString("en")} = ${k} × ${cg} × ${s.filters} weights + ` +
      `${s.filters} ${s.filters === 1 ? "bias" : "biases"}</dd>` +
      `<dt>Receptive field</dt><dd>each output value reads a ${k}${s.rank === 1 ? "-step" : ""} window${wide} of ` +
      `${chans}${group}; ` +
      `stacking layers widens it (two 3×3 layers see 5×5)</dd>` +
      `</dl>` +
      `<p class="cfp-command-line">The same animation as a GIF for slides: <code id="cfp-command">` +
      `${commandHTML(layer.command)}</code> <button type="button" class="md-button cfp-small" id="cfp-copy">Copy` +
      `</button> · <a id="cfp-link" href="${esc(hashOf(effective))}">link to this layer</a></p>` +
      (E.gifMayRefuse(s) ? `<p class="cfp-muted" id="cfp-gif-note">A figure this big may be over the size ` +
        `budget of <code>convfig gif</code> (1,000 frames, 6,000 cells per picture): it then names the limit and ` +
        `a smaller input that fits.</p>` : "");
    if (setHTML($("cfp-info"), info)) $("cfp-copy").addEventListener("click", () => copy($("cfp-command")));
  }

  // the command's words: a short word never breaks at its hyphens (--kernel-values), long numbers anywhere
  function commandHTML(command) {
    return command.split(" ").map((w) => (w.length > 24 ? `<span class="cfp-long">${esc(w)}</span>`
      : `<span class="cfp-word">${esc(w)}</span>`)).join(" ");
  }
  function copy(el) {
    const text = el.textContent;
    const done = () => { $("cfp-copy").textContent = "Copied"; setTimeout(() => { $("cfp-copy") && ($("cfp-copy").textContent = "Copy"); }, 1500); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, () => select(el));
    } else select(el);
  }
  function select(el) {
    const r = document.createRange();
    r.selectNodeContents(el);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
  }

  // ---------------- drawing ----------------
  // One grid panel: SVG graphics (fills, grid lines, hatched padding, the window) under rows of numbers.
  // The numbers are inline text, one line per grid row, in the monospace code font: each number is an inline
  // <span> whose side margins make it exactly one cell wide (cfp-l3 ... cfp-l8 by its length in characters),
  // so a row lays out as one line of text. (Chromium lays this out ~2x faster than a CSS grid of cells and
  // ~5x faster than SVG <text>: it keeps a redraw of ~1,500 numbers within a frame.)
  // a panel's left and top margins (row and column numbers) and its grid's size
  function geometry(o) {
    return { L: o.ticks && o.rows > 1 ? 22 : 0, T: o.ticks ? 16 : 0, w: o.cols * o.cell, h: o.rows * o.cell };
  }
  const colTicks = (o) => textRow(Array.from({ length: o.cols }, (_, c) => String(o.ticks.col(c) ?? "")));
  const rowTicks = (o) => Array.from({ length: o.rows }, (_, r) => o.ticks.row(r) ?? "").join("\n");
  function panel(o) {
    const { L, T, w, h } = geometry(o);
    let tick = "";
    if (o.ticks) {
      tick += `<div class="cfp-tx" style="left:${L}px">${colTicks(o)}</div>`;
      if (o.rows > 1) tick += `<div class="cfp-ty" style="top:${T}px;width:${L - 5}px">${rowTicks(o)}</div>`;
    }
    return `<div class="cfp-panel ${o.cls}"><div class="cfp-cap">${o.title}</div>` +
      `<div class="cfp-box" role="img" aria-label="${esc(o.label)}" style="width:${L + w + 1}px;` +
      `height:${T + h + 1}px;--cell:${o.cell}px">${tick}<svg class="cfp-svg" style="left:${L}px;top:${T}px" ` +
      `width="${w + 1}" height="${h + 1}" aria-hidden="true"><g transform="translate(0.5,0.5)">${o.svg}</g></svg>` +
      `<div class="cfp-nums${o.cell < 28 || o.tight ? " cfp-tight" : ""}${o.digits ? " cfp-digits" : ""}" ` +
      `style="left:${L}px;top:${T}px">${o.nums}</div></div></div>`;
  }
  // one path for the lines of a rows x cols grid
  function gridPath(rows, cols, cell) {
    let p = "";
    for (let r = 0; r <= rows; r++) p += `M0 ${r * cell}h${cols * cell}`;
    for (let c = 0; c <= cols; c++) p += `M${c * cell} 0v${rows * cell}`;
    return `<path class="cfp-grid" d="${p}"/>`;
  }
  // one number one cell wide (see panel); attrs: the output cells' data-index and data-value. A number of one
  // or two characters is written centred in three, between spaces that are half a character wide
  // (word-spacing: -0.5ch): "  5  ", " 12 ", "−12". Most numbers then share one length class, so a redraw that
  // changes the numbers changes the text only (no class, no style work) and the row lays out faster.
  const lenClass = (t) => "cfp-l" + Math.min(Math.max(t.length, 3), 8);
  const cellText = (t) => (t.length >= 3 ? t : t.length === 2 ? ` ${t} ` : t.length === 1 ? `  ${t}  ` : "      ");
  function numSpan(t, attrs, extra) {
    return `<span class="${lenClass(t)}${extra || ""}"${attrs || ""}>${cellText(t)}</span>`;
  }
  function textRow(texts, extra) {
    let out = "<div>";
    for (const t of texts) out += numSpan(t, "", extra);
    return out + "</div>";
  }

  // the length of the longest number as drawn (num): integers by their digits, others written out
  function longest(values) {
    let lo = 0, hi = 0, whole = true;
    for (let q = 0; q < values.length; q++) {
      const v = values[q];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (whole && Math.abs(v - Math.round(v)) >= 1e-9) whole = false;
    }
    if (whole) return Math.max(String(Math.round(lo)).length, String(Math.round(hi)).length);
    let n = 1;
    for (let q = 0; q < values.length; q++) n = Math.max(n, num(values[q]).length);
    return n;
  }
  // a cell for numbers of up to n characters in the 11 px code font (~6.6 px a character); three fit in any
  function cellFor(...lengths) {
    const n = Math.max(...lengths);
    return n >= 4 ? Math.ceil(n * 6.6 + 2) : 0;
  }

  // The figure has three sections (input, kernels, output). Each has a key (everything but the numbers): when
  // a redraw keeps a section's key, its numbers change in place (text nodes and data-value: no new elements,
  // no style work); otherwise the section is built anew from one HTML string.
  let drawnKeys = [];
  let drawnFrames = [];     // per section: its key without the sizes it can change in place (reshape)
  let drawnNodes = [];      // per section: the nodes that hold its numbers, in document order
  let drawnValues = null;   // the output's values as drawn (data-value), in document order
  let outShown = -1;        // the last output step shown (later cells are hidden: cfp-todo)
  let tight = { io: false, k: false };    // numbers of 4 characters or more: the small font

  function draw(layer, tr) {
    const s = layer.spec, d = tr.dims;
    const big = Math.max(d.Wp, d.ow) > 14;
    // cells wide enough for the longest number drawn in them (your own numbers may have decimals)
    const lengthIO = Math.max(longest(tr.x), longest(tr.output)), lengthK = longest(tr.k);
    const cell = Math.max(big ? 24 : 30, cellFor(lengthIO)), kcell = Math.max(26, cellFor(lengthK));
    tight = { io: lengthIO >= 4, k: lengthK >= 4 };      // the small font for long numbers
    const rank = s.rank;
    // single digits (the seeded 0-4) are one text line per input row, each digit centred in its cell by the
    // letter spacing: a few elements instead of one per cell. Other numbers take one span each.
    let digits = true;
    for (let q = 0; q < tr.x.length && digits; q++) digits = tr.x[q] >= 0 && tr.x[q] <= 9 && Number.isInteger(tr.x[q]);
    const sections = [
      { key: ["in", rank, d.C, d.D, d.H, d.W, d.Dp, d.Hp, d.Wp, d.pd, d.ph, d.pw, cell, digits, tight.io].join(),
        texts: () => inputTexts(tr, d, digits), build: () => inputSection(tr, d, cell, digits),
        nodes: (el) => inputNodes(el, digits) },
      { key: ["k", rank, d.F, d.cg, d.fg, d.kd, d.kh, d.kw, kcell, tight.k, Array.from(tr.b, num)].join(), texts: () => kernelTexts(tr, d),
        build: () => kernelSection(tr, d, kcell), nodes: (el) => el.querySelectorAll(".cfp-nums span") },
      { key: ["out", rank, d.F, d.od, d.oh, d.ow, cell, tight.io].join(),
        frame: ["out", rank, d.F, d.od, d.oh > 1, cell, tight.io].join(),
        texts: () => outputTexts(tr, d), build: () => outputSection(tr, d, cell),
        reshape: (el) => reshapeOutput(el, tr, d, cell), nodes: (el) => el.querySelectorAll("[data-index]"),
        values: outputValues(tr, d) },
    ];
    const fig = $("cfp-figure");
    timings.html = performance.now();
    const fresh = fig.children.length !== sections.length || drawnKeys.length !== sections.length;
    const sameOutput = !fresh && sections[2].key === drawnKeys[2];
    // each section sits in its own slot: a section built anew is the only child replaced in its slot, so the
    // style of its neighbours (and their ~1,000 cells) is not recomputed for sibling selectors
    if (fresh) fig.innerHTML = sections.map((sec) => `<div class="cfp-slot">${sec.build()}</div>`).join("");
    sections.forEach((sec, i) => {
      let el = fig.children[i];
      if (!fresh && sec.key === drawnKeys[i]) {                    // same shape: new numbers only
        setTexts(drawnNodes[i], sec.texts(), sec.values, drawnValues);
      } else if (!fresh && sec.reshape && sec.frame === drawnFrames[i]) {    // same panels, other sizes
        sec.reshape(el);
        drawnNodes[i] = sec.nodes(el);
        setTexts(drawnNodes[i], sec.texts(), sec.values, []);
      } else {                                                     // built anew
        if (!fresh) el.innerHTML = sec.build();
        drawnNodes[i] = sec.nodes(el);
      }
      drawnKeys[i] = sec.key;
      drawnFrames[i] = sec.frame;
      if (sec.values) drawnValues = sec.values;
    });
    timings.dom = performance.now();
    setAttr(fig, "data-rank", String(rank));
    const inPanels = [];
    for (let c = 0; c < d.C; c++) for (let z = 0; z < d.Dp; z++) inPanels.push({ c, z });
    const wins = fig.querySelectorAll(".cfp-input-panel .cfp-win");
    const curs = fig.querySelectorAll(".cfp-output-panel .cfp-cur");
    const dones = fig.querySelectorAll(".cfp-output-panel .cfp-done");
    const outCells = drawnNodes[2];
    const byStep = [];      // output cells in document order: filter, then position (the step) in C order
    for (let q = 0; q < outCells.length; q++) {
      const p = q % s.positions;
      (byStep[p] || (byStep[p] = [])).push(outCells[q]);
    }
    // cells updated in place keep the step they showed; new cells all show their value
    const shown = sameOutput ? outShown : s.positions - 1;
    state = { layer, tr, d, cell, kcell, wins, curs, dones, inPanels, byStep, step: -1, shown };
    const scrub = $("cfp-scrub");
    setAttr(scrub, "max", String(s.positions));
    setStep(s.positions - 1);
    timings.step = performance.now();
  }

  // new numbers into the nodes of a section (a text node takes a whole line of digits, a span one number);
  // values (the output's): also data-value, where it differs from the value drawn before
  function setTexts(nodes, texts, values, before) {
    for (let q = 0; q < nodes.length; q++) {
      const node = nodes[q], t = texts[q];
      if (values && !Object.is(values[q], before[q])) node.setAttribute("data-value", String(values[q]));
      if (node.nodeType === 3) {      // a line of digits
        if (node.data !== t) node.data = t;
        continue;
      }
      const text = node.firstChild, padded = cellText(t);      // a span: one number (see numSpan)
      if (text.data === padded) continue;
      const want = lenClass(t), cls = node.className;      // its length class first in its class list
      if (!cls.startsWith(want)) node.className = cls.replace(/^cfp-l\d+/, want);
      text.data = padded;
    }
  }

  const inputAt = (tr, d, c, z, y, x) => tr.padded[((z * d.Hp + y) * d.Wp + x) * d.C + c];
  const realRow = (d, z, y) => z >= d.pd && z < d.pd + d.D && y >= d.ph && y < d.ph + d.H;
  // input: one panel per channel (and per padded depth slice in 3D); hatched padding under the real cells
  function inputSection(tr, d, cell, digits) {
    const rank = tr.spec.rank;
    const rowLabel = (before, n) => (r) => (r - before >= 0 && r - before < n ? r - before : null);
    const anyPad = d.Dp !== d.D || d.Hp !== d.H || d.Wp !== d.W;
    const inTicks = { row: rowLabel(d.ph, d.H), col: rowLabel(d.pw, d.W) };
    const zeros = (n) => (n > 0 ? (digits ? `<span class="cfp-p">${"0".repeat(n)}</span>`
      : numSpan("0", "", " cfp-p").repeat(n)) : "");
    let inputs = "";
    for (let c = 0; c < d.C; c++) {
      for (let z = 0; z < d.Dp; z++) {
        const realZ = z - d.pd, padSlice = realZ < 0 || realZ >= d.D;
        let svg = anyPad ? `<rect class="cfp-pad" width="${d.Wp * cell}" height="${d.Hp * cell}"/>` : "";
        if (!padSlice) {
          const area = `x="${d.pw * cell}" y="${d.ph * cell}" width="${d.W * cell}" height="${d.H * cell}"`;
          svg += (anyPad ? `<rect class="cfp-bg" ${area}/>` : "") + `<rect class="cfp-in" ${area}/>`;
        }
        svg += gridPath(d.Hp, d.Wp, cell) + `<g class="cfp-win"></g>`;
        let nums = "";
        for (let y = 0; y < d.Hp; y++) {
          if (!realRow(d, z, y)) { nums += `<div>${zeros(d.Wp)}</div>`; continue; }
          let row = "";
          for (let x = d.pw; x < d.pw + d.W; x++) {
            const v = inputAt(tr, d, c, z, y, x);
            row += digits ? v : numSpan(num(v));
          }
          nums += `<div>${zeros(d.pw)}${row}${zeros(d.Wp - d.pw - d.W)}</div>`;
        }
        const title = (d.C > 1 ? `channel ${c}` : "input") + (rank === 3 ? ` · depth ${realZ}${padSlice ? " (padding)" : ""}` : "");
        inputs += panel({ title, rows: d.Hp, cols: d.Wp, cell, svg, nums, cls: "cfp-input-panel", ticks: inTicks, digits,
          tight: tight.io,
          label: `${title}: padded input, ${rank === 1 ? d.Wp + " steps" : d.Hp + " by " + d.Wp + " cells"}` });
      }
    }
    return section("Input, padded", inputs, anyPad ? "Hatched cells are padding zeros. Numbers above and left " +
      "count the real input from 0." : "No padding. Numbers above and left count the input from 0.");
  }
  function inputTexts(tr, d, digits) {
    const out = [];
    for (let c = 0; c < d.C; c++) for (let z = 0; z < d.Dp; z++) for (let y = 0; y < d.Hp; y++) {
      if (!realRow(d, z, y)) continue;
      let row = "";
      for (let x = d.pw; x < d.pw + d.W; x++) {
        const v = inputAt(tr, d, c, z, y, x);
        if (digits) row += v; else out.push(num(v));
      }
      if (digits) out.push(row);
    }
    return out;
  }
  function inputNodes(el, digits) {
    if (!digits) return el.querySelectorAll(".cfp-nums span:not(.cfp-p)");
    const out = [];
    for (const row of el.querySelectorAll(".cfp-nums > div")) {
      for (const n of row.childNodes) if (n.nodeType === 3) out.push(n);
    }
    return out;
  }

  // kernels: one group per filter, one panel per channel of its group (and per kernel depth in 3D)
  function kernelSection(tr, d, kcell) {
    const rank = tr.spec.rank, texts = kernelTexts(tr, d);
    let kernels = "", at = 0;
    const kSvg = `<rect class="cfp-k" width="${d.kw * kcell}" height="${d.kh * kcell}"/>` + gridPath(d.kh, d.kw, kcell);
    for (let f = 0; f < d.F; f++) {
      let group = "";
      const c0 = Math.floor(f / d.fg) * d.cg;
      for (let c = 0; c < d.cg; c++) {
        for (let a = 0; a < d.kd; a++) {
          let nums = "";
          for (let y = 0; y < d.kh; y++, at += d.kw) nums += textRow(texts.slice(at, at + d.kw));
          const title = `ch ${c0 + c}` + (rank === 3 ? ` · depth ${a}` : "");
          group += panel({ title, rows: d.kh, cols: d.kw, cell: kcell, svg: kSvg, nums, cls: "cfp-kernel-panel", tight: tight.k,
            label: `weights of filter ${f} for channel ${c0 + c}` });
        }
      }
      const bias = tr.b[f] ? ` · bias ${num(tr.b[f])}` : "";
      kernels += `<div class="cfp-filter"><div class="cfp-cap cfp-filter-cap">filter ${f}${bias}</div>` +
        `<div class="cfp-row">${group}</div></div>`;
    }
    return section(d.F > 1 ? "Kernels (one per filter)" : "Kernel", kernels,
      d.F > 1 || d.C > 1 ? "Each filter has one weight slice per input channel it reads." : "");
  }
  function kernelTexts(tr, d) {       // filter, its channels, kernel depth, row, column
    const out = [], K = d.kd * d.kh * d.kw;
    for (let f = 0; f < d.F; f++) for (let c = 0; c < d.cg; c++) {
      for (let q = 0; q < K; q++) out.push(num(tr.k[(q * d.cg + c) * d.F + f]));
    }
    return out;
  }

  // outputs: one panel per filter (and per output depth slice in 3D); each number carries its index and value
  function outputValues(tr, d) {      // filter, then output position in C order (the document's order)
    const per = d.od * d.oh * d.ow, out = new Float64Array(per * d.F);
    for (let f = 0, q = 0; f < d.F; f++) for (let p = 0; p < per; p++, q++) out[q] = tr.output[p * d.F + f];
    return out;
  }
  function outputTexts(tr, d) {
    return Array.from(outputValues(tr, d), num);
  }
  const outTicks = { row: (r) => r, col: (c) => c };
  function outputPanel(d, rank, f, z, cell) {       // everything of an output panel but its numbers
    const title = `filter ${f}` + (rank === 3 ? ` · depth ${z}` : "");
    return { title, rows: d.oh, cols: d.ow, cell, cls: "cfp-output-panel", ticks: outTicks, tight: tight.io,
      label: `output of filter ${f}` + (rank === 3 ? `, depth ${z}` : "") +
        `: ${rank === 1 ? d.ow + " steps" : d.oh + " by " + d.ow + " values"}`,
      svg: `<path class="cfp-done"/><g class="cfp-cur"></g>` +
        `<rect class="cfp-outline" width="${d.ow * cell}" height="${d.oh * cell}"/>` };
  }
  // output cells (x0 <= x < x1) of one row of one panel: each carries its index and its value
  function outputCells(values, d, rank, f, z, y, x0, x1) {
    let out = "";
    for (let x = x0; x < x1; x++) {
      const q = ((f * d.od + z) * d.oh + y) * d.ow + x;
      const index = (rank === 3 ? [z, y, x] : rank === 2 ? [y, x] : [x]).concat([f]).join(",");
      out += numSpan(num(values[q]), ` data-index="${index}" data-value="${values[q]}"`);
    }
    return out;
  }
  function outputSection(tr, d, cell) {
    const rank = tr.spec.rank, values = outputValues(tr, d);
    let outputs = "";
    for (let f = 0; f < d.F; f++) {
      for (let z = 0; z < d.od; z++) {
        let nums = "";
        for (let y = 0; y < d.oh; y++) nums += `<div>${outputCells(values, d, rank, f, z, y, 0, d.ow)}</div>`;
        outputs += panel(Object.assign(outputPanel(d, rank, f, z, cell), { nums }));
      }
    }
    return section(d.F > 1 ? "Output (one map per filter: filters are the last axis)" : "Output", outputs, "");
  }
  // the same panels for another output size: sizes, ticks and outline change; the cells stay. A panel keeps a
  // pool of cell elements (rows x columns, the largest output drawn lately): the cells outside the output are
  // spare: blank (spaces), without data-index and data-value (no drawn output cells for tests and screen
  // readers), laid out past the panel's clipped box. A smaller output empties cells and a larger one fills
  // them again, instead of removing and adding elements (parsing, style and layout of every added cell); no
  // class changes, so no style work. Cells are only added past the pool, and the pool is trimmed when it holds
  // more than SPARE cells beyond the output. setTexts then writes the numbers (and each cell's length class).
  const SPARE = 512;
  const spareCells = (n) => numSpan("").repeat(n);
  function reshapeOutput(el, tr, d, cell) {
    const rank = tr.spec.rank, panels = el.querySelectorAll(".cfp-output-panel");
    let k = 0;
    for (let f = 0; f < d.F; f++) {
      for (let z = 0; z < d.od; z++) {
        const o = outputPanel(d, rank, f, z, cell), { L, T, w, h } = geometry(o);
        const box = panels[k++].querySelector(".cfp-box"), svg = box.querySelector("svg");
        box.style.width = `${L + w + 1}px`;
        box.style.height = `${T + h + 1}px`;
        box.setAttribute("aria-label", o.label);
        svg.setAttribute("width", w + 1);
        svg.setAttribute("height", h + 1);
        const outline = svg.querySelector(".cfp-outline");
        outline.setAttribute("width", w);
        outline.setAttribute("height", h);
        setHTML(box.querySelector(".cfp-tx"), colTicks(o));
        if (o.rows > 1) setHTML(box.querySelector(".cfp-ty"), rowTicks(o));
        const nums = box.querySelector(".cfp-nums"), rows = nums.children;
        let R = rows.length, C = R ? rows[0].children.length : 0;
        if (R * C > d.oh * d.ow + SPARE) {      // too many spare cells: back to the output's size
          while (rows.length > d.oh) nums.lastElementChild.remove();
          for (const row of rows) while (row.children.length > d.ow) row.lastElementChild.remove();
          R = Math.min(R, d.oh);
          C = Math.min(C, d.ow);
        }
        if (C < d.ow) for (const row of rows) row.insertAdjacentHTML("beforeend", spareCells(d.ow - C));
        C = Math.max(C, d.ow);
        if (R < d.oh) nums.insertAdjacentHTML("beforeend", `<div>${spareCells(C)}</div>`.repeat(d.oh - R));
        R = Math.max(R, d.oh);
        let row = nums.firstElementChild;      // cells into the output or out of it (only those that change)
        for (let y = 0; y < R; y++, row = row.nextElementSibling) {
          let c = row.firstElementChild;
          for (let x = 0; x < C; x++, c = c.nextElementSibling) {
            const inside = y < d.oh && x < d.ow;
            if (inside === c.hasAttribute("data-index")) continue;
            if (inside) {
              c.setAttribute("data-index", (rank === 3 ? [z, y, x] : rank === 2 ? [y, x] : [x]).concat([f]).join(","));
            } else {
              c.removeAttribute("data-index");
              c.removeAttribute("data-value");
              c.firstChild.data = cellText("");      // blank, but still a text box: no layout objects rebuilt
            }
          }
        }
      }
    }
    for (const c of el.querySelectorAll(".cfp-todo")) c.classList.remove("cfp-todo");
  }
  function section(title, body, note) {
    return `<section class="cfp-section"><h2 class="cfp-h">${title}</h2>` +
      (note ? `<p class="cfp-note">${note}</p>` : "") + `<div class="cfp-row">${body}</div></section>`;
  }

  // ---------------- stepping ----------------
  function span(list) {
    if (list.length === 1) return num(list[0]);
    const stepBy = list[1] - list[0];
    if (list.every((v, i) => v === list[0] + i * stepBy)) {
      return `${num(list[0])} to ${num(list[list.length - 1])}` + (stepBy > 1 ? ` (every ${stepBy}${stepBy === 2 ? "nd" : stepBy === 3 ? "rd" : "th"})` : "");
    }
    return list.map(num).join(", ");
  }

  function setStep(i) {
    if (!state) return;
    const { d, tr, cell } = state;
    const n = tr.spec.positions;
    i = Math.max(0, Math.min(n - 1, i));
    state.step = i;
    const st = E.step(tr, i);
    // output cells: done up to i (i is "now"), hidden after it; only the cells between the old and the new
    // step change
    const shown = state.shown;
    for (let p = Math.min(shown, i) + 1; p <= Math.max(shown, i); p++) {
      for (const t of state.byStep[p] || []) t.classList.toggle("cfp-todo", p > i);
    }
    state.shown = outShown = i;
    // computed cells as tiles, one path per output slice
    const [oz, oy, ox] = st.pos3;
    state.dones.forEach((g, k) => {
      const z = k % d.od;
      const upto = z < oz ? d.oh * d.ow : z > oz ? 0 : oy * d.ow + ox + 1;
      let path = "";
      for (let q = 0; q < upto; q++) {
        path += `M${(q % d.ow) * cell + 1.5} ${Math.floor(q / d.ow) * cell + 1.5}h${cell - 3}v${cell - 3}h${3 - cell}z`;
      }
      if (g.cfpD !== path) g.setAttribute("d", (g.cfpD = path));
    });
    // window on the input slices it touches
    const [wz, wy, wx] = st.window;
    const inDepth = new Set(wz);
    state.wins.forEach((g, k) => {
      const { z } = state.inPanels[k];
      if (!inDepth.has(z)) { setHTML(g, ""); return; }
      let s = `<rect class="cfp-span" x="${wx[0] * cell - 1}" y="${wy[0] * cell - 1}" ` +
        `width="${(wx[wx.length - 1] - wx[0] + 1) * cell + 2}" height="${(wy[wy.length - 1] - wy[0] + 1) * cell + 2}"/>`;
      for (const y of wy) for (const x of wx) {
        s += `<rect class="cfp-read" x="${x * cell + 1.5}" y="${y * cell + 1.5}" width="${cell - 3}" height="${cell - 3}"/>`;
      }
      setHTML(g, s);
    });
    state.curs.forEach((g, k) => {
      const z = k % d.od;
      setHTML(g, z === oz ? `<rect class="cfp-curbox" x="${ox * cell}" y="${oy * cell}" width="${cell}" ` +
        `height="${cell}"/>` : "");
    });
    $("cfp-scrub").value = String(i + 1);
    setAttr($("cfp-scrub"), "aria-valuetext", `Step ${i + 1} of ${n}`);
    setText($("cfp-counter"), `Step ${i + 1} of ${n}`);
    showStep(st, n);
  }

  function showStep(st, n) {
    const { d, tr } = state;
    const rank = tr.spec.rank;
    const real = (list, before) => list.map((v) => v - before);
    const axes = [];
    if (rank === 3) axes.push(`depths ${span(real(st.window[0], d.pd))}`);
    if (rank >= 2) axes.push(`rows ${span(real(st.window[1], d.ph))}`);
    axes.push(`${rank === 1 ? "steps" : "columns"} ${span(real(st.window[2], d.pw))}`);
    let padCells = 0;
    for (const z of st.window[0]) for (const y of st.window[1]) for (const x of st.window[2]) {
      if (st.isPad(z, y, x)) padCells++;
    }
    const taps = d.kd * d.kh * d.kw;
    const where = rank === 1 ? `output step ${st.pos[0]}` : `output (${st.pos.join(", ")})`;
    const sums = st.sums.map((v, f) => (d.F > 1 ? `filter ${f}: ${num(v)}` : num(v))).join(", ");
    $("cfp-step-text").textContent = `Step ${st.index + 1} of ${n}: ${where} reads input ${axes.join(", ")}` +
      (padCells ? ` (${padCells} of its ${taps} cells are padding zeros)` : "") + `; ${d.F > 1 ? "sums" : "sum"} ${sums}.`;
    // products and their sum, per filter
    let eq = "";
    for (let f = 0; f < d.F; f++) {
      const c0 = Math.floor(f / d.fg) * d.cg;
      const terms = [], perChannel = [];
      for (let c = 0; c < d.cg; c++) {
        let sub = 0;
        let q = 0;
        for (const z of st.window[0]) for (const y of st.window[1]) for (const x of st.window[2]) {
          const v = tr.padded[((z * d.Hp + y) * d.Wp + x) * d.C + c0 + c];
          const w = tr.k[(q * d.cg + c) * d.F + f];
          terms.push(`${num(v)}·${w < 0 ? "(" + num(w) + ")" : num(w)}`);
          sub += v * w;
          q++;
        }
        perChannel.push(sub);
      }
      const body = terms.length <= 48 ? terms.join(" + ")
        : perChannel.map((v, c) => `ch ${c0 + c}: ${num(v)}`).join(" + ");
      const bias = tr.b[f] ? ` + ${tr.b[f] < 0 ? `(${num(tr.b[f])})` : num(tr.b[f])} (bias)` : "";
      eq += `<p class="cfp-eq-line"><span class="cfp-eq-name">${d.F > 1 ? `filter ${f}` : "sum"}</span> ` +
        `${body}${bias} = <strong>${num(st.sums[f])}</strong></p>`;
    }
    setHTML($("cfp-eq"), eq);
  }

  function play() {
    if (!state) return;
    if (state.step >= state.tr.spec.positions - 1) setStep(0);
    $("cfp-play").textContent = "Pause";
    $("cfp-play").setAttribute("aria-pressed", "true");
    $("cfp-step-text").setAttribute("aria-live", "off");     // no running commentary while playing
    timer = setInterval(() => {
      if (!state || state.step >= state.tr.spec.positions - 1) { stop(); return; }
      setStep(state.step + 1);
    }, reduceMotion ? STEP_MS * 2 : STEP_MS);
  }
  function stop() {      // every redraw stops the player: the button is written only when it changes
    if (timer) clearInterval(timer);
    timer = null;
    setText($("cfp-play"), "Play");
    setAttr($("cfp-play"), "aria-pressed", "false");
    setAttr($("cfp-step-text"), "aria-live", "polite");
  }
  const toggle = () => (timer ? stop() : play());
  $("cfp-play").addEventListener("click", toggle);
  $("cfp-prev").addEventListener("click", () => { stop(); state && setStep(state.step - 1); });
  $("cfp-next").addEventListener("click", () => { stop(); state && setStep(state.step + 1); });
  $("cfp-scrub").addEventListener("input", (ev) => { stop(); setStep(Number(ev.target.value) - 1); });
  $("cfp-figure").addEventListener("keydown", (ev) => {
    if (!state) return;
    const keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (ev.key in keys) { stop(); setStep(state.step + keys[ev.key]); }
    else if (ev.key === "Home") { stop(); setStep(0); }
    else if (ev.key === "End") { stop(); setStep(state.tr.spec.positions - 1); }
    else if (ev.key === " " || ev.key === "k") toggle();
    else return;
    ev.preventDefault();
  });

  // ---------------- start ----------------
  readHash();
  syncControls();
  update(location.hash.includes("=") ? false : true);
  // for tests and the bench: redraw from raw values, step, read state
  root.convfig = { setRaw(r) { raw = Object.assign({}, E.DEFAULTS, r); syncControls(); update(true); },
    setStep: (i) => setStep(i), get state() { return state; }, timings };
})();
