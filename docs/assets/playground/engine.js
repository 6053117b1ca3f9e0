/* convfig playground engine: the JavaScript twin of convfig's parameter parser (convfig/params.py),
 * ConvSpec (convfig/spec.py), arithmetic (convfig/arithmetic.py), example numbers (convfig/rng.py) and
 * convolution (convfig/compute.py). Same rules, same error wording (ConvfigError), same numbers:
 * tests/test_playground.py runs thousands of random layers through this file in Chromium and through the
 * Python engine and requires equal results. No DOM here; the page is playground.js.
 * MIT licence, like the rest of convfig.
 */
(function (root) {
  "use strict";

  class ConvfigError extends Error {
    constructor(message) { super(message); this.name = "ConvfigError"; }
  }

  // ---- Python-style text (the engine's messages print Python values) ----
  function pyStr(s) {
    const q = s.includes("'") && !s.includes('"') ? '"' : "'";
    let out = q;
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (ch === "\\") out += "\\\\";
      else if (ch === q) out += "\\" + q;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += "\\x" + c.toString(16).padStart(2, "0");
      else out += ch;
    }
    return out + q;
  }
  function pyRepr(v) {
    if (typeof v === "string") return pyStr(v);
    if (Array.isArray(v)) {
      const items = v.map(pyRepr);
      return "(" + items.join(", ") + (items.length === 1 ? ",)" : ")");
    }
    return String(v);
  }
  const shown = pyRepr;   // params._shown: repr for text, str for numbers

  // ---- the parameter table (convfig.params.PARAMS, the conv layer's keys) ----
  const CONV_KEYS = ["input", "channels", "filters", "kernel", "strides", "padding", "dilation", "groups"];
  const KEYS = CONV_KEYS.concat(["seed"]);
  const NUMBER_KEYS = ["values", "kernel_values", "bias"];      // your own numbers (convfig.numbers)
  const FLAGS = { input: "--input", channels: "--channels", filters: "--filters", kernel: "--kernel",
    strides: "--strides", padding: "--padding", dilation: "--dilation", groups: "--groups", seed: "--seed",
    values: "--values", kernel_values: "--kernel-values", bias: "--bias" };
  const DEFAULTS = { input: "5x5", channels: "1", filters: "1", kernel: "3", strides: "1", padding: "valid",
    dilation: "1", groups: "1", seed: "0" };
  const AXIS_MIN = { kernel: 1, strides: 1, dilation: 1 };
  const MAX_SEED = 4294967295;
  const PADDING_WORDS = ["valid", "same", "causal", "full"];

  function paramError(key, value, rule, sentence) {
    const text = rule.replace("{input}", "input");
    return new ConvfigError(sentence ? `${key} ${shown(value)} ${text}` : `${key}: ${text}, got ${shown(value)}`);
  }

  // params.parse_int: 7, "7", " 7 " -> 7 within [minimum, maximum] (null: no bound)
  function parseInt_(key, value, minimum, maximum) {
    let v = value;
    if (typeof v === "string" && /^\s*-?\d+\s*$/.test(v)) v = Number(BigInt(v.trim()));
    if (typeof v !== "number" || !Number.isInteger(v)) throw paramError(key, value, "must be an integer");
    if (maximum != null && minimum != null && !(minimum <= v && v <= maximum)) {
      throw paramError(key, v, `must be between ${minimum} and ${maximum}`);
    }
    if (minimum != null && v < minimum) throw paramError(key, v, `must be >= ${minimum}`);
    return v;
  }

  // params.parse_sizes: "5x5" / "5" / 5 / [5, 5] / "3,3" -> ints >= minimum
  function parseSizes(key, value, minimum) {
    let items;
    if (Array.isArray(value)) items = value.slice();
    else if (typeof value === "string") {
      const text = value.trim().toLowerCase().replace(/×/g, "x");
      if (!/^[0-9]+(?:\s*[x,]\s*[0-9]+|\s+[0-9]+)*$/.test(text)) {     // '3x' is not 3
        throw paramError(key, value, "expected positive integers joined by 'x', like 5 or 5x5 or 4x4x4");
      }
      items = text.split(/[x,\s]+/).filter((p) => p);
    } else items = [value];
    let sizes;
    try {
      sizes = items.map((i) => parseInt_(key, i, 0, null));
    } catch (e) {
      if (!(e instanceof ConvfigError)) throw e;
      throw paramError(key, value, "expected positive integers joined by 'x', like 5 or 5x5 or 4x4x4");
    }
    if (key === "input" && (!(sizes.length >= 1 && sizes.length <= 3) || Math.min(...sizes) < minimum)) {
      throw paramError(key, value, "expected 1 to 3 positive integers joined by 'x', like 5x5");
    }
    if (!sizes.length || Math.min(...sizes) < minimum) {
      throw paramError(key, value, `expected integers >= ${minimum} joined by 'x', like 3 or 3x1`);
    }
    return sizes;
  }

  // params.parse_axis: one int for every axis or one per axis
  function parseAxis(key, value, rank) {
    const sizes = parseSizes(key, value, AXIS_MIN[key] || 1);
    if (sizes.length === 1) return Array(rank).fill(sizes[0]);
    if (sizes.length !== rank) {
      throw paramError(key, value, `gives ${sizes.length} values but {input} has ${rank} axes (give one ` +
        `integer or ${rank} joined by 'x')`, true);
    }
    return sizes;
  }

  // params.parse_padding: a word, an int or [before, after] pairs
  function parsePadding(value, rank) {
    const key = "padding";
    const rule = "use valid, same, causal (1D only), full, an int or before:after pairs per axis";
    let pairs;
    if (typeof value === "string") {
      const s = value.trim().toLowerCase();
      if (PADDING_WORDS.includes(s)) return s;
      if (/^-?\d+$/.test(s)) return parsePadding(Number(BigInt(s)), rank);
      const found = [...s.matchAll(/(\d+)\s*[:/]\s*(\d+)/g)];
      if (!found.length || !/^(\s*\d+\s*[:/]\s*\d+\s*[,x;]?)+$/.test(s)) throw paramError(key, value, rule);
      pairs = found.map((m) => [Number(m[1]), Number(m[2])]);
    } else if (typeof value === "number" && Number.isInteger(value)) {
      if (value < 0) throw paramError(key, value, "an explicit padding must be >= 0");
      return value;
    } else if (Array.isArray(value)) {
      try {
        pairs = value.map((p) => {
          if (!Array.isArray(p) || p.length !== 2) throw new ConvfigError("pair");
          return [parseInt_(key, p[0], 0, null), parseInt_(key, p[1], 0, null)];
        });
      } catch (e) {
        throw paramError(key, value, "pairs must be (before, after) integers >= 0 per axis");
      }
    } else throw paramError(key, value, rule);
    if (rank != null && pairs.length !== rank) {
      throw paramError(key, value, `needs one (before, after) pair per axis (${rank})`);
    }
    return pairs;
  }

  function parseCount(key, value) {
    const n = parseInt_(key, value, null, null);
    if (n < 1) throw new ConvfigError(`${key} must be an integer >= 1, got ${n}`);
    return n;
  }

  // convfig.params.conv_params (keys in CONV_KEYS order, input first) plus the seed: raw strings -> values
  function parseParams(raw) {
    const get = (k) => (raw[k] === undefined || raw[k] === null ? DEFAULTS[k] : raw[k]);
    const p = {};
    p.input = parseSizes("input", get("input"), 1);
    const rank = p.input.length;
    for (const key of CONV_KEYS.slice(1)) {
      const v = get(key);
      if (key === "padding") p.padding = parsePadding(v, rank);
      else if (key in AXIS_MIN) p[key] = parseAxis(key, v, rank);
      else p[key] = parseCount(key, v);
    }
    p.seed = parseInt_("seed", get("seed"), 0, MAX_SEED);
    return p;
  }

  // ---- your own numbers (convfig.numbers): values, kernel_values, bias ----
  const NAMED_KERNELS = {
    identity: [[0, 0, 0], [0, 1, 0], [0, 0, 0]], "sobel-x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel-y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    blur: [[1 / 16, 2 / 16, 1 / 16], [2 / 16, 4 / 16, 2 / 16], [1 / 16, 2 / 16, 1 / 16]],
    sharpen: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], laplacian: [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
  };
  const NAMED_KERNELS_1D = { identity: [0, 1, 0], "sobel-x": [-1, 0, 1], blur: [0.25, 0.5, 0.25],
    sharpen: [-1, 3, -1], laplacian: [1, -2, 1] };
  const MAX_NUMBERS = 100000;

  // str() of the number convfig.numbers keeps (an int when whole, else Python's shortest float repr)
  function pyNum(v) {
    if (Number.isInteger(v)) return String(v === 0 ? 0 : v);
    const [mant, e] = v.toExponential().split("e"), exp = Number(e);
    if (exp >= -4 && exp < 16) return String(v);
    return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  // convfig.params.ParamError(sentence=True) from a NumbersError: "values '1,a' is not a number"
  function numbersError(key, value, rule) {
    let text = value;
    if (Array.isArray(value)) text = value.slice(0, 6).map(pyNum).join(",") + (value.length > 6 ? ",…" : "");
    return new ConvfigError(`${key} ${shown(text)} ${rule.replace("{input}", "input")}`);
  }
  // Python's float() of one token: digits with single underscores between them, a point, an exponent
  const FLOAT_TEXT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;
  const SPECIAL_FLOAT = /^[+-]?(?:inf|infinity|nan)$/i;
  function number(key, text) {
    let v;
    if (FLOAT_TEXT.test(text)) v = Number(text.replace(/_/g, ""));
    else if (SPECIAL_FLOAT.test(text)) v = NaN;
    else {
      const named = key === "kernel_values" ? ` nor a named kernel (${Object.keys(NAMED_KERNELS).join(", ")})` : "";
      throw numbersError(key, text, `is ${named ? "neither" : "not"} a number${named}`);
    }
    if (!Number.isFinite(v)) throw numbersError(key, text, "is not a finite number");
    if (Math.abs(v) > 1e6) throw numbersError(key, text, "is too large for a figure (at most 1e6 in size)");
    return v === 0 ? 0 : v;
  }
  // numbers.parse_numbers: raw text -> [flat numbers or a kernel name, the row length when rows were given]
  function parseNumbers(key, raw) {
    const text = String(raw);
    const s = text.trim();
    if (key === "kernel_values" && s.toLowerCase() in NAMED_KERNELS) return [s.toLowerCase(), null];
    if (/\.(npy|csv)$/i.test(s)) {
      throw numbersError(key, text, "is a file: the playground takes the numbers themselves (write them like " +
        "0,1,2;3,4,5)");
    }
    const rows = s.split(/[;\n]/).filter((r) => r.trim()).map((r) => r.trim().split(/[,\sx×]+/).filter((t) => t));
    if (!rows.length || !rows.some((r) => r.length)) {
      const hint = key === "kernel_values" ? `; or a name: ${Object.keys(NAMED_KERNELS).join(", ")}` : "";
      throw numbersError(key, text, `gives no numbers (write them like 0,1,2;3,4,5${hint})`);
    }
    const flat = [];
    for (const row of rows) for (const t of row) flat.push(number(key, t));
    if (flat.length > MAX_NUMBERS) throw numbersError(key, flat, `are more than ${MAX_NUMBERS}`);
    const lengths = new Set(rows.map((r) => r.length));
    if (rows.length > 1 && lengths.size > 1) {
      throw numbersError(key, text, `has rows of different lengths (${rows.map((r) => r.length).join(", ")})`);
    }
    return [flat, rows.length > 1 ? rows[0].length : null];
  }
  const shapeWords = (shape) => shape.join("x");
  // numbers._fit: one number fills every cell; otherwise the count (and the row length) must match
  function fit(key, [flat, row], shape, why) {
    const need = shape.reduce((a, b) => a * b, 1);
    if (flat.length === 1) return Array(need).fill(flat[0]);
    if (flat.length !== need) {
      throw numbersError(key, flat, `gives ${flat.length} numbers but ${why} needs ${need} (${shapeWords(shape)})`);
    }
    if (row !== null && row !== shape[shape.length - 1]) {
      throw numbersError(key, flat, `has rows of ${row} numbers but ${why} needs rows of ${shape[shape.length - 1]} ` +
        `(shape ${shapeWords(shape)})`);
    }
    return flat;
  }
  // numbers._named: a named 3x3 (or 3-tap) kernel for every channel and filter
  function namedKernel(name, rank, kernel, cg, filters) {
    if (rank === 3 || (rank === 1 && !(name in NAMED_KERNELS_1D))) {
      throw numbersError("kernel_values", name, `is a ${name === "sobel-y" ? "2D" : "1D/2D"} kernel; give the ` +
        `numbers for this ${rank}D kernel`);
    }
    if (kernel.some((k) => k !== 3)) {
      throw numbersError("kernel_values", name, `is 3 wide on every axis but kernel is ${shapeWords(kernel)}`);
    }
    const base = rank === 2 ? NAMED_KERNELS[name].flat() : NAMED_KERNELS_1D[name];
    const out = [];
    for (const w of base) for (let i = 0; i < cg * filters; i++) out.push(w);
    return out;
  }
  // numbers.check_numbers: the given numbers against the layer's shapes -> {key: flat numbers (filled)}
  function checkNumbers(p, parsed) {
    const inp = p.input, ch = p.channels, f = p.filters, kernel = p.kernel;
    const cg = Math.max(1, Math.floor(ch / Math.max(1, p.groups)));
    const one = cg === 1 && f === 1;
    const shapes = {
      values: [ch > 1 ? inp.concat([ch]) : inp, `{input} ${shapeWords(inp)}` + (ch > 1 ? ` with ${ch} channels` : "")],
      kernel_values: [one ? kernel : kernel.concat([cg, f]),
        `kernel ${shapeWords(kernel)}` + (one ? "" : ` x ${cg} channels x ${f} filters`)],
      bias: [[f], `filters=${f}`],
    };
    const out = {};
    for (const key of NUMBER_KEYS) {
      if (!parsed[key]) continue;
      const [got, row] = parsed[key];
      out[key] = typeof got === "string" ? namedKernel(got, inp.length, kernel, cg, f) : fit(key, [got, row], ...shapes[key]);
    }
    return out;
  }
  // the CLI text of given numbers: the name, or rows split by ';' (as given), numbers by ','
  function numbersText([got, row]) {
    if (typeof got === "string") return got;
    const words = got.map(pyNum);
    if (row === null) return words.join(",");
    const rows = [];
    for (let i = 0; i < words.length; i += row) rows.push(words.slice(i, i + row).join(","));
    return rows.join(";");
  }
  // shlex.quote: a word the shell reads as it is
  const shellQuote = (w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : "'" + w.replace(/'/g, "'\"'\"'") + "'");

  // ---- arithmetic (convfig.arithmetic) ----
  const effectiveKernel = (k, d) => (k - 1) * d + 1;
  function paddingAmounts(n, k, s, d, padding) {
    const ke = effectiveKernel(k, d);
    if (padding === "valid") return [0, 0];
    if (padding === "causal") return [ke - 1, 0];
    if (padding === "full") return [ke - 1, ke - 1];
    const total = Math.max((Math.ceil(n / s) - 1) * s + ke - n, 0);   // same
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  }
  const convLength = (n, ke, s, b, a) => Math.floor((n + b + a - ke) / s) + 1;
  const LAYER_NAMES = { 1: "Conv1D", 2: "Conv2D", 3: "Conv3D" };

  // ---- ConvSpec.make: the Keras rules, in the engine's order and words ----
  function makeSpec(p) {
    const rank = p.input.length;
    const { channels, filters, groups } = p;
    const strides = p.strides, dilation = p.dilation, kernel = p.kernel;
    if (Math.max(...strides) > 1 && Math.max(...dilation) > 1) {
      throw new ConvfigError(`strides ${pyRepr(strides)} > 1 together with dilation_rate ${pyRepr(dilation)} > 1: ` +
        "Keras refuses this combination");
    }
    if (channels % groups) {
      throw new ConvfigError(`channels ${channels} must be divisible by groups ${groups} (Keras refuses otherwise)`);
    }
    if (filters % groups) {
      throw new ConvfigError(`filters ${filters} must be divisible by groups ${groups} (Keras refuses otherwise)`);
    }
    let padding = p.padding;
    if (typeof padding === "string") {
      if (padding === "causal" && rank !== 1) {
        throw new ConvfigError(`padding='causal' is only for rank-1 convolutions (Conv1D); Keras refuses it ` +
          `for Conv${rank}D`);
      }
    } else if (typeof padding === "number") {
      padding = Array.from({ length: rank }, () => [padding, padding]);
    }
    const ke = kernel.map((k, i) => effectiveKernel(k, dilation[i]));
    const pads = typeof padding === "string"
      ? p.input.map((n, i) => paddingAmounts(n, kernel[i], strides[i], dilation[i], padding))
      : padding.map((pr) => pr.slice());
    const spec = { rank, input: p.input.slice(), channels, filters, kernel: kernel.slice(), strides: strides.slice(),
      dilation: dilation.slice(), groups, padding, pads, ke };
    spec.paddingLabel = paddingLabel(spec);
    for (let axis = 0; axis < rank; axis++) {
      const n = p.input[axis], [b, a] = pads[axis];
      if (n + b + a < ke[axis]) {
        const dil = ke[axis] !== kernel[axis] ? ` (dilated ${ke[axis]})` : "";
        throw new ConvfigError(`kernel_size ${kernel[axis]}${dil} is larger than the padded input ${n + b + a} on ` +
          `axis ${axis} with padding=${pyStr(spec.paddingLabel)}`);
      }
    }
    spec.padded = p.input.map((n, i) => n + pads[i][0] + pads[i][1]);
    spec.out = p.input.map((n, i) => convLength(n, ke[i], strides[i], pads[i][0], pads[i][1]));
    spec.outputShape = spec.out.concat([filters]);
    spec.positions = spec.out.reduce((a, b) => a * b, 1);
    spec.params = kernel.reduce((a, b) => a * b, 1) * Math.floor(channels / groups) * filters + filters;
    spec.layerName = LAYER_NAMES[rank];
    spec.keras = kerasCall(spec);
    spec.paddingText = describePadding(spec);
    return spec;
  }

  function paddingLabel(spec) {
    if (typeof spec.padding === "string") return spec.padding;
    const flat = new Set(spec.padding.flat());
    return flat.size === 1 ? String([...flat][0]) : pyRepr(spec.padding);
  }

  function describePadding(spec) {
    const parts = spec.pads.map(([b, a]) => `pad ${b} before / ${a} after`);
    if (new Set(parts).size === 1) return `${spec.paddingLabel} → ${parts[0]}`;
    return `${spec.paddingLabel} → ` + parts.map((p, i) => `axis ${i}: ${p}`).join(", ");
  }

  function kerasCall(spec) {
    const compact = (t) => (new Set(t).size === 1 ? String(t[0]) : pyRepr(t));
    const args = [`filters=${spec.filters}`, `kernel_size=${compact(spec.kernel)}`];
    if (Math.max(...spec.strides) > 1) args.push(`strides=${compact(spec.strides)}`);
    if (spec.padding === "same" || spec.padding === "causal") args.push(`padding='${spec.padding}'`);
    if (Math.max(...spec.dilation) > 1) args.push(`dilation_rate=${compact(spec.dilation)}`);
    if (spec.groups > 1) args.push(`groups=${spec.groups}`);
    const call = `keras.layers.${spec.layerName}(${args.join(", ")})`;
    const named = spec.padding === "valid" || spec.padding === "same" || spec.padding === "causal";
    if (named || !spec.pads.some(([b, a]) => b || a)) return call;
    const pads = spec.rank === 1 ? pyRepr(spec.pads[0]) : pyRepr(spec.pads);
    return `keras.layers.ZeroPadding${spec.rank}D(padding=${pads}) then ${call}`;
  }

  // the `convfig gif` command for parsed params (params.cli_words: defaults left out, one int when equal)
  function command(p, parsed) {
    const words = ["convfig", "gif"];
    for (const key of KEYS) {
      const v = p[key];
      let text;
      if (Array.isArray(v)) {
        if (v.some(Array.isArray)) text = v.map(([b, a]) => `${b}:${a}`).join(",");
        else text = (key !== "input" && new Set(v).size === 1 ? [v[0]] : v).join("x");
      } else text = String(v);
      if (key !== "input" && text === DEFAULTS[key]) continue;
      words.push(FLAGS[key], text);
    }
    for (const key of NUMBER_KEYS) if (parsed && parsed[key]) words.push(FLAGS[key], shellQuote(numbersText(parsed[key])));
    return words.concat(["-o", "conv.gif"]).join(" ");
  }

  // ---- the generator (convfig.rng: mulberry32, counter form) ----
  function word(seed, i) {
    const a = (seed + Math.imul(i + 1, 0x6D2B79F5)) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }
  function integers(seed, low, high, count, start) {
    const out = new Float64Array(count), span = high - low + 1;
    for (let i = 0; i < count; i++) out[i] = low + Math.floor(word(seed, (start || 0) + i) * span / 4294967296);
    return out;
  }

  const prod = (a) => a.reduce((x, y) => x * y, 1);
  // shapes as (D, H, W): lower ranks get leading 1s, so one loop serves 1D, 2D and 3D
  const as3 = (t, fill) => Array(3 - t.length).fill(fill).concat(t);

  // compute.example: input (*spatial, channels) in [0, 4], then kernel (*k, channels // groups, filters) in [-1, 1]
  // given: the layer's own numbers (checkNumbers), each replacing the seed's; the bias is 0 unless given
  function example(spec, seed, given) {
    const nx = prod(spec.input) * spec.channels;
    const cg = spec.channels / spec.groups;
    const g = given || {};
    const x = g.values ? Float64Array.from(g.values) : integers(seed, 0, 4, nx, 0);
    const k = g.kernel_values ? Float64Array.from(g.kernel_values)
      : integers(seed, -1, 1, prod(spec.kernel) * cg * spec.filters, nx);
    const b = g.bias ? Float64Array.from(g.bias) : new Float64Array(spec.filters);
    return { x, k, b };
  }

  // the convolution with every window (compute.trace): padded input, output, and what step i reads
  function trace(spec, x, k, b) {
    const C = spec.channels, F = spec.filters, G = spec.groups, cg = C / G, fg = F / G;
    const [D, H, W] = as3(spec.input, 1), [Dp, Hp, Wp] = as3(spec.padded, 1);
    const [pd, ph, pw] = as3(spec.pads.map((p) => p[0]), 0);
    const [kd, kh, kw] = as3(spec.kernel, 1), [sd, sh, sw] = as3(spec.strides, 1), [dd, dh, dw] = as3(spec.dilation, 1);
    const [od, oh, ow] = as3(spec.out, 1);
    const padded = new Float64Array(Dp * Hp * Wp * C);
    for (let z = 0; z < D; z++) for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) {
      const src = ((z * H + y) * W + xx) * C, dst = (((z + pd) * Hp + y + ph) * Wp + xx + pw) * C;
      for (let c = 0; c < C; c++) padded[dst + c] = x[src + c];
    }
    const P = od * oh * ow, K = kd * kh * kw;
    const output = new Float64Array(P * F);
    // offsets of the kernel taps in the padded input (channel 0)
    const taps = new Int32Array(K);
    let t = 0;
    for (let a = 0; a < kd; a++) for (let b = 0; b < kh; b++) for (let c = 0; c < kw; c++) {
      taps[t++] = ((a * dd * Hp + b * dh) * Wp + c * dw) * C;
    }
    let pos = 0;
    for (let z = 0; z < od; z++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++, pos++) {
      const base = ((z * sd * Hp + y * sh) * Wp + xx * sw) * C;
      for (let f = 0; f < F; f++) {
        const c0 = Math.floor(f / fg) * cg;
        let sum = 0;
        for (let q = 0; q < K; q++) {
          const at = base + taps[q] + c0, kat = (q * cg) * F + f;
          for (let c = 0; c < cg; c++) sum += padded[at + c] * k[kat + c * F];
        }
        output[pos * F + f] = b ? sum + b[f] : sum;
      }
    }
    return { spec, x, k, b: b || new Float64Array(F), padded, output, dims: { D, H, W, Dp, Hp, Wp, pd, ph, pw, kd, kh, kw, sd, sh, sw, dd, dh, dw, od, oh, ow, C, F, cg, fg, K } };
  }

  // what step i (C order of output positions) reads: output position, window start and taps (padded coords)
  function step(tr, i) {
    const d = tr.dims;
    const z = Math.floor(i / (d.oh * d.ow)), y = Math.floor(i / d.ow) % d.oh, xx = i % d.ow;
    const start = [z * d.sd, y * d.sh, xx * d.sw];
    const window = [[], [], []];
    for (let a = 0; a < d.kd; a++) window[0].push(start[0] + a * d.dd);
    for (let b = 0; b < d.kh; b++) window[1].push(start[1] + b * d.dh);
    for (let c = 0; c < d.kw; c++) window[2].push(start[2] + c * d.dw);
    const isPad = (pz, py, px) => pz < d.pd || pz >= d.pd + d.D || py < d.ph || py >= d.ph + d.H ||
      px < d.pw || px >= d.pw + d.W;
    const pos = [z, y, xx].slice(3 - tr.spec.rank);
    return { index: i, pos, pos3: [z, y, xx], start, window, isPad,
      sums: Array.from(tr.output.subarray(i * d.F, (i + 1) * d.F)) };
  }

  // the playground's own size budget (the engine has none this small): checked before any numbers are made
  const LIMITS = { maxSide: { 1: 64, 2: 32, 3: 8 }, maxChannels: 8, maxFilters: 8, maxCells: 12000 };
  function checkBudget(spec) {
    const size = spec.input.join("x"), side = LIMITS.maxSide[spec.rank];
    if (Math.max(...spec.input) > side) {
      return `input: ${size} is larger than the playground draws (at most ${side} per axis in ${spec.rank}D); ` +
        "use a smaller input, or `convfig gif` for a bigger figure";
    }
    if (Math.max(...spec.padded) > 2 * side) {
      return `padding: the padded input is ${spec.padded.join("x")}, larger than the playground draws (at most ` +
        `${2 * side} per axis in ${spec.rank}D); use less padding or a smaller kernel_size or dilation_rate`;
    }
    if (spec.channels > LIMITS.maxChannels) {
      return `channels: ${spec.channels} is more than the playground draws (at most ${LIMITS.maxChannels}); ` +
        "use fewer channels";
    }
    if (spec.filters > LIMITS.maxFilters) {
      return `filters: ${spec.filters} is more than the playground draws (at most ${LIMITS.maxFilters}); ` +
        "use fewer filters";
    }
    const cells = spec.channels * prod(spec.padded) + spec.filters * (spec.channels / spec.groups) *
      prod(spec.kernel) + spec.filters * spec.positions;
    if (cells > LIMITS.maxCells) {
      return `this layer would draw ${cells.toLocaleString("en")} cells (padded input, kernels and output), ` +
        `more than the playground's ${LIMITS.maxCells.toLocaleString("en")}; use a smaller input, kernel or ` +
        "padding, or fewer channels or filters";
    }
    return null;
  }

  // true when `convfig gif` may refuse this layer for its own figure budget (convfig.limits: frames and cells
  // per picture). Conservative: where this says false, the CLI accepts (tests/test_playground.py checks it).
  function gifMayRefuse(spec) {
    const cells = spec.channels * prod(spec.padded) + spec.filters * (spec.channels / spec.groups) *
      prod(spec.kernel) + spec.filters * spec.positions;
    return (spec.rank === 2 && (spec.positions > 450 || cells > 1100)) || (spec.rank === 3 && cells > 700);
  }

  // everything the page and the parity test need for raw (URL-style) values; throws ConvfigError
  // (the CLI's order: the conv parameters, the seed, the numbers' syntax, their shapes, then Keras's rules)
  function layer(raw) {
    const p = parseParams(raw);
    const parsed = {};
    for (const key of NUMBER_KEYS) {
      if (raw[key] !== undefined && raw[key] !== null) parsed[key] = parseNumbers(key, raw[key]);
    }
    const given = checkNumbers(p, parsed);
    const spec = makeSpec(p);
    return { params: p, spec, given, parsed, command: command(p, parsed) };
  }

  root.ConvfigEngine = { ConvfigError, CONV_KEYS, KEYS, NUMBER_KEYS, DEFAULTS, FLAGS, MAX_SEED, pyRepr, pyNum, parseParams,
    makeSpec, parseNumbers, checkNumbers, numbersText,
    layer, command, checkBudget, gifMayRefuse, LIMITS, word, integers, example, trace, step, paddingAmounts, effectiveKernel, as3, prod };
  if (typeof module !== "undefined" && module.exports) module.exports = root.ConvfigEngine;
})(typeof self !== "undefined" ? self : this);
