// @ts-check
/// <reference lib="dom" />
// The explorer page: loads run.json and the run's VAE with TensorFlow.js
// (the global `tf` from vendor/tf.min.js), then wires the sliders, the decoded
// image, the traversal grid, the data-image picker, the metrics and the
// curves. `window.explorer` exposes the page's state to tests.
import {
  chartSvg,
  escapeHtml,
  formatNumber,
  linspace,
  logSeries,
  maxAbsDifference,
  toRgba,
} from "./explorer_core.js";

/** @typedef {import("../build_site.ts").SiteData} SiteData */
/** @typedef {NonNullable<SiteData["picks"]>} SitePicks */
/** @typedef {import("@tensorflow/tfjs").LayersModel} LayersModel */
/** @typedef {import("@tensorflow/tfjs").Tensor} Tensor */

/**
 * The `tf` namespace vendor/tf.min.js and vendor/tf-backend-wasm.min.js define
 * (undefined when they did not load: main() says so).
 * @type {typeof import("@tensorflow/tfjs") & { wasm?: typeof import("@tensorflow/tfjs-backend-wasm") }}
 */
const tf = /** @type {any} */ (globalThis).tf;

/**
 * The element with this id (index.html has every id the page asks for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const COLORS = [
  "#2563eb",
  "#dc2626",
  "#16a34a",
  "#9333ea",
  "#ea580c",
  "#0891b2",
  "#be185d",
  "#65a30d",
  "#4f46e5",
  "#b45309",
];

/**
 * What tests (and curious people, in the console) can read.
 * @type {{
 *   ready: boolean, error: string | null, backend: string | null, backendNotes: string[],
 *   tfjsVersion: string | null, z: number[], renderCount: number, pending: boolean,
 *   decodeMs: number | null, traversalCount: number, encodeMaxDiff: number | null,
 *   selectedPick: number | null, picksMean: number[][] | null,
 * }}
 */
const api = {
  ready: false,
  error: null,
  backend: null,
  backendNotes: [],
  tfjsVersion: null,
  z: [],
  renderCount: 0,
  pending: false,
  decodeMs: null,
  traversalCount: 0,
  encodeMaxDiff: null,
  selectedPick: null,
  picksMean: null,
};
/** @type {any} */ (globalThis).explorer = api;

/**
 * The page's state; main() sets `data`, `encoder` and `decoder` before anything reads them.
 * @typedef {{
 *   data: SiteData, encoder: LayersModel, decoder: LayersModel, z: Float32Array,
 *   picks: { floats: Float32Array, mean: number[][], logVar: number[][] } | null,
 *   dirty: boolean, rendering: boolean,
 * }} State
 */
const state = /** @type {State} */ (/** @type {unknown} */ ({
  data: null,
  encoder: null,
  decoder: null,
  z: new Float32Array(0),
  picks: null, // { floats, mean, logVar }
  dirty: false,
  rendering: false,
}));

/** @param {any} e anything thrown */
function firstLine(e) {
  return String(e?.message ?? e).split("\n")[0];
}

/** @param {string} message */
function fail(message) {
  if (api.error) return;
  api.error = message;
  const box = $("error");
  box.textContent = message;
  box.hidden = false;
  $("status").textContent = "stopped";
  for (
    const el of /** @type {NodeListOf<HTMLInputElement>} */ (
      document.querySelectorAll("input, select, button")
    )
  ) el.disabled = true;
  console.error(message);
}

globalThis.addEventListener("error", (e) => fail(`Unexpected error: ${firstLine(e.error ?? e)}`));
globalThis.addEventListener(
  "unhandledrejection",
  (e) => fail(`Unexpected error: ${firstLine(e.reason)}`),
);

/**
 * Fetches a file of the site; failures say which file and why ("model.json: HTTP 404").
 * @param {string} path
 * @param {"json" | "bin"} kind
 * @returns {Promise<any>} the parsed JSON, or the bytes as an ArrayBuffer
 */
async function fetchOk(path, kind) {
  let response;
  try {
    response = await fetch(path, { cache: "no-store" });
  } catch (e) {
    throw new Error(`${path}: ${firstLine(e)}`);
  }
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  try {
    return kind === "json" ? await response.json() : await response.arrayBuffer();
  } catch (e) {
    throw new Error(`${path}: ${firstLine(e)}`);
  }
}

/** @type {Record<string, number>} */
const DTYPE_BYTES = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/**
 * Loads a tfjs layers model (model.json and the weight files it names),
 * checking each file arrives whole before tfjs reads it, so a missing or cut
 * file is named instead of surfacing as a typed-array error.
 *
 * @param {string} path
 * @returns {Promise<LayersModel>}
 */
async function loadModel(path) {
  const json = await fetchOk(path, "json");
  if (!json?.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${path} is not a tfjs layers model (no modelTopology/weightsManifest)`);
  }
  const dir = path.slice(0, path.lastIndexOf("/") + 1);
  /** @type {import("@tensorflow/tfjs").io.WeightsManifestEntry[]} */
  const specs = [];
  /** @type {{ path: string, bytes: Uint8Array }[]} */
  const parts = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      parts.push({
        path: dir + p,
        bytes: /** @type {Uint8Array} */ (/** @type {unknown} */ (null)),
      });
    }
  }
  for (const part of parts) part.bytes = new Uint8Array(await fetchOk(part.path, "bin"));
  const have = parts.reduce((s, p) => s + p.bytes.length, 0);
  const need = specs.reduce((s, w) => {
    const dtype = w.quantization?.dtype ?? w.dtype ?? "float32";
    return s + w.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[dtype] ?? 4);
  }, 0);
  if (have !== need) {
    throw new Error(
      `${parts.map((p) => p.path).join(", ")} hold ${have} bytes, but ${path} needs ${need}`,
    );
  }
  const weights = new Uint8Array(have);
  let at = 0;
  for (const p of parts) {
    weights.set(p.bytes, at);
    at += p.bytes.length;
  }
  return await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: weights.buffer,
    }),
  );
}

// ---------------------------------------------------------------- static parts

/** @type {Record<string, string>} */
const SCORE_NAMES = {
  activeUnits: "active units (Var[μ_j] > 0.01)",
  mig: "MIG (mutual information gap)",
  sap: "SAP score",
  dciDisentanglement: "DCI disentanglement",
  dciCompleteness: "DCI completeness",
  dciInformativeness: "DCI informativeness (test accuracy)",
  modularity: "modularity",
  explicitness: "explicitness",
  betaVaeScore: "β-VAE score",
  factorVaeScore: "FactorVAE score",
  mutualInfoScore: "mutual information score",
  gaussianTotalCorrelation: "Gaussian total correlation",
  gaussianWassersteinCorrelationNorm: "Gaussian Wasserstein correlation (norm.)",
};

/**
 * @param {unknown[][]} rows
 * @param {string[]} [head]
 */
function table(rows, head) {
  const th = head ? `<tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>` : "";
  return `<table>${th}${
    rows.map((r) =>
      `<tr>${
        r.map((c, i) =>
          i === 0 ? `<td>${escapeHtml(c)}</td>` : `<td class="num">${escapeHtml(c)}</td>`
        ).join("")
      }</tr>`
    ).join("")
  }</table>`;
}

/** @param {SiteData} data */
function renderFacts(data) {
  const c = data.config;
  $("run-name").textContent = data.run.name;
  const facts = [
    data.model.objective,
    data.model.architecture,
    `data ${c.data ?? "?"}`,
    `${data.model.latentDim} latent dims`,
    `images ${data.model.inputShape.join("×")}`,
    data.run.steps !== null ? `${data.run.steps} steps` : null,
    data.run.checkpointStep !== null
      ? `unfinished: checkpoint at step ${data.run.checkpointStep}`
      : data.run.state,
  ].filter(Boolean);
  $("run-facts").textContent = facts.join(" · ");
  document.title = `${data.run.name} · latent-space explorer`;
}

/** @param {SiteData} data */
function renderMetrics(data) {
  const c = data.config;
  const s = data.summary;
  let html = "";
  if (s && Object.keys(s.scores).length) {
    html += table(
      Object.entries(s.scores).map(([k, v]) => [SCORE_NAMES[k] ?? k, formatNumber(v)]),
      ["score", "value"],
    );
  } else {
    html += `<p class="facts">no final metrics (the run has no summary.json yet)</p>`;
  }
  if (s && (s.finalTrain || s.finalValidation)) {
    const keys = ["loss", "reconstruction", "kl", "mi", "tc", "dwkl", "elbo"].filter((k) =>
      s.finalTrain?.[k] !== undefined || s.finalValidation?.[k] !== undefined
    );
    html += table(
      keys.map((k) => [k, formatNumber(s.finalTrain?.[k]), formatNumber(s.finalValidation?.[k])]),
      ["final (nats)", "training", "validation"],
    );
  }
  const run = [
    ["objective", data.model.objective],
    ["hyper-parameters", data.model.hyperparameters],
    ["likelihood", data.model.likelihood],
    ["architecture", data.model.architecture],
    ["data", `${c.data ?? "?"}${c.dataPath ? ` (${c.dataPath})` : ""}`],
    ["batch size, lr", `${formatNumber(c.batchSize)}, ${formatNumber(c.lr)}`],
    ["seed", formatNumber(c.seed)],
  ];
  if (s?.seconds) {
    run.push([
      "training time",
      `${formatNumber(s.seconds)} s (${formatNumber(s.stepsPerSecond)} steps/s on ${s.backend})`,
    ]);
  }
  html += table(run, ["run", ""]);
  $("metrics").innerHTML = html;
}

/** @param {SiteData} data */
function renderCurves(data) {
  const keys = ["loss", "reconstruction", "kl", "mi", "tc", "dwkl", "elbo"].filter((k) =>
    data.log.some((r) => r.train?.[k] !== undefined || r.validation?.[k] !== undefined)
  );
  const charts = keys.map((k) =>
    chartSvg({
      title: k,
      series: [
        { label: "training", color: COLORS[0], points: logSeries(data.log, "train", k) },
        {
          label: "validation",
          color: COLORS[1],
          points: logSeries(data.log, "validation", k),
          dashed: true,
        },
      ],
    })
  );
  const d = data.model.latentDim;
  for (const split of /** @type {const} */ (["train", "validation"])) {
    const series = data.dims.order.slice(0, 10).map((j, i) => ({
      label: `z${j}`,
      color: COLORS[i % COLORS.length],
      points: logSeries(data.log, split, "klPerDimension", j),
      dashed: split === "validation",
    }));
    const title = `KL per dimension, ${split === "train" ? "training" : "validation"}${
      d > 10 ? " (top 10)" : ""
    }`;
    charts.push(chartSvg({ title, series, width: 380 }));
  }
  $("curves").innerHTML = charts.length
    ? charts.join("")
    : `<p class="facts">log.jsonl holds no records</p>`;
}

// ---------------------------------------------------------------- tfjs parts

/**
 * The WebGL renderer's name when it is a software one (SwiftShader, llvmpipe:
 * what a browser without a usable GPU falls back to), else null. Software
 * WebGL is many times slower than WASM for convolutions.
 */
function softwareWebgl() {
  try {
    const canvas = document.createElement("canvas");
    const gl = canvas.getContext("webgl2") ?? canvas.getContext("webgl");
    if (!gl) return null;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = String(
      gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER),
    );
    gl.getExtension("WEBGL_lose_context")?.loseContext();
    return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? renderer : null;
  } catch {
    return null;
  }
}

/**
 * @param {string | null} wanted the `?backend=` of the page's address
 * @returns {Promise<string>}
 */
async function chooseBackend(wanted) {
  const names = ["webgl", "wasm", "cpu"];
  if (wanted && !names.includes(wanted)) {
    throw new Error(`Cannot start: ?backend=${wanted} is not one of ${names.join(", ")}`);
  }
  if (tf.wasm) tf.wasm.setWasmPaths(new URL("vendor/", location.href).href);
  for (const name of wanted ? [wanted] : names) {
    const software = !wanted && name === "webgl" ? softwareWebgl() : null;
    if (software) {
      api.backendNotes.push(`webgl: software renderer (${software}), slower than wasm`);
      continue;
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        const check = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
        const three = (await check.data())[0];
        check.dispose();
        if (three !== 3) throw new Error(`1 + 2 gave ${three}`);
        return name;
      }
      api.backendNotes.push(`${name}: not available`);
    } catch (e) {
      api.backendNotes.push(`${name}: ${firstLine(e)}`);
    }
  }
  throw new Error(
    `Cannot start TensorFlow.js: no backend works (${api.backendNotes.join("; ")})`,
  );
}

/**
 * @param {Tensor} y
 * @returns {Tensor}
 */
function toPixels(y) {
  return state.data.model.likelihood === "bernoulli" ? tf.sigmoid(y) : tf.clipByValue(y, 0, 1);
}

/**
 * Decodes n codes (n·D numbers) to pixel values in [0, 1].
 * @param {Float32Array} codes
 * @param {number} n
 */
async function decodeRows(codes, n) {
  const d = state.data.model.latentDim;
  const out = tf.tidy(() =>
    toPixels(/** @type {Tensor} */ (state.decoder.predict(tf.tensor2d(codes, [n, d]))))
  );
  try {
    return await out.data();
  } finally {
    out.dispose();
  }
}

/**
 * Encodes n images (values in [0, 1]) to rows of μ and log σ².
 * @param {Float32Array} floats
 * @param {number} n
 */
async function encodeImages(floats, n) {
  const [h, w, c] = state.data.model.inputShape;
  const d = state.data.model.latentDim;
  /** @type {number[][]} */
  const mean = [], logVar = [];
  for (let s = 0; s < n; s += 64) {
    const m = Math.min(64, n - s);
    const out = tf.tidy(() => /** @type {Tensor} */ (state.encoder.predict(
      tf.tensor4d(floats.subarray(s * h * w * c, (s + m) * h * w * c), [m, h, w, c]),
    )));
    const v = await out.data();
    out.dispose();
    for (let i = 0; i < m; i++) {
      mean.push(Array.from(v.subarray(i * 2 * d, i * 2 * d + d)));
      logVar.push(Array.from(v.subarray(i * 2 * d + d, (i + 1) * 2 * d)));
    }
  }
  return { mean, logVar };
}

const scratch = document.createElement("canvas");

/**
 * Draws image k of `values` at (x, y), each pixel a scale×scale block.
 * @param {CanvasRenderingContext2D} ctx
 * @param {ArrayLike<number>} values
 * @param {number} k
 * @param {number} x
 * @param {number} y
 * @param {number} scale
 */
function drawImageAt(ctx, values, k, x, y, scale) {
  const [h, w, c] = state.data.model.inputShape;
  scratch.width = w;
  scratch.height = h;
  /** @type {CanvasRenderingContext2D} */ (scratch.getContext("2d")).putImageData(
    new ImageData(toRgba(values, h, w, c, k * h * w * c), w, h),
    0,
    0,
  );
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, x, y, w * scale, h * scale);
}

/**
 * Puts one image into a canvas at its native size (CSS scales it up).
 * @param {HTMLCanvasElement} canvas
 * @param {ArrayLike<number>} values
 * @param {number} k
 */
function putImage(canvas, values, k) {
  const [h, w, c] = state.data.model.inputShape;
  canvas.width = w;
  canvas.height = h;
  /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d")).putImageData(
    new ImageData(toRgba(values, h, w, c, k * h * w * c), w, h),
    0,
    0,
  );
}

// ---------------------------------------------------------------- live view

function scheduleRender() {
  state.dirty = true;
  api.pending = true;
  if (!state.rendering) renderLoop();
}

async function renderLoop() {
  state.rendering = true;
  try {
    while (state.dirty) {
      state.dirty = false;
      const z = Float32Array.from(state.z);
      const t0 = performance.now();
      const pixels = await decodeRows(z, 1);
      const ms = performance.now() - t0;
      putImage(/** @type {HTMLCanvasElement} */ ($("decoded")), pixels, 0);
      api.z = Array.from(z);
      api.decodeMs = ms;
      api.renderCount++;
      $("timing").textContent = `decoded in ${ms.toFixed(1)} ms on ${api.backend}`;
    }
  } catch (e) {
    fail(`Cannot decode: ${firstLine(e)}`);
  } finally {
    state.rendering = false;
    api.pending = state.dirty;
  }
}

/**
 * @param {ArrayLike<number>} values
 * @param {string} caption
 */
function setZ(values, caption) {
  state.z = Float32Array.from(values);
  for (const input of sliderInputs()) {
    const j = Number(input.dataset.dim);
    input.value = String(state.z[j]);
    sliderValue(input).textContent = state.z[j].toFixed(2);
  }
  $("decoded-caption").textContent = caption;
  scheduleRender();
  scheduleTraversal();
}

/** The sliders' inputs. */
function sliderInputs() {
  return /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll("#sliders input"));
}

/**
 * The number shown next to a slider.
 * @param {HTMLInputElement} input
 */
function sliderValue(input) {
  const row = /** @type {HTMLElement} */ (input.closest(".slider-row"));
  return /** @type {HTMLElement} */ (row.querySelector(".value"));
}

/** @param {SiteData} data */
function buildSliders(data) {
  const { order, kl, active, ranges } = data.dims;
  const maxKl = kl ? Math.max(...kl, 1e-9) : 1;
  const rows = order.map((j) => {
    const inactive = active && !active[j];
    const klText = kl ? `${formatNumber(kl[j])} nats` : "";
    const bar = kl ? Math.max(1, Math.round((kl[j] / maxKl) * 40)) : 0;
    return `<div class="slider-row${inactive ? " inactive" : ""}" title="z${j}: KL ${klText}${
      inactive ? " (inactive)" : ""
    }">
      <span class="name">z${j}</span>
      <input type="range" id="z-${j}" data-dim="${j}" min="${ranges[j][0]}" max="${
      ranges[j][1]
    }" step="0.01" value="0" aria-label="latent dimension ${j}">
      <span class="value">0.00</span>
      <span class="kl">${kl ? `<span class="bar" style="width:${bar}px"></span>${klText}` : ""}${
      inactive ? ' <span class="tag">inactive</span>' : ""
    }</span>
    </div>`;
  });
  $("sliders").innerHTML = rows.join("");
  for (const input of sliderInputs()) {
    input.addEventListener("input", () => {
      const j = Number(input.dataset.dim);
      state.z[j] = Number(input.value);
      sliderValue(input).textContent = state.z[j].toFixed(2);
      $("decoded-caption").textContent = "decoder(z)";
      scheduleRender();
      scheduleTraversal();
    });
  }
  const inactiveCount = active ? active.filter((a) => !a).length : 0;
  $("dims-note").textContent = `KL from ${data.dims.klSource}; ${
    active ? `${inactiveCount} inactive (${data.dims.activeSource})` : data.dims.activeSource
  }.`;
  const select = /** @type {HTMLSelectElement} */ ($("traversal-dim"));
  select.innerHTML = order.map((j) =>
    `<option value="${j}">z${j}${kl ? ` (KL ${formatNumber(kl[j])})` : ""}${
      active && !active[j] ? " inactive" : ""
    }</option>`
  ).join("");
  select.disabled = false;
}

// ---------------------------------------------------------------- traversal

/** @type {ReturnType<typeof setTimeout> | 0} */
let traversalTimer = 0;
function scheduleTraversal(delay = 150) {
  clearTimeout(traversalTimer);
  traversalTimer = setTimeout(() => renderTraversal().catch((e) => fail(firstLine(e))), delay);
}

async function renderTraversal() {
  const data = state.data;
  const d = data.model.latentDim;
  const [h, w] = data.model.inputShape;
  const steps = Number(/** @type {HTMLSelectElement} */ ($("traversal-steps")).value);
  const all = /** @type {HTMLInputElement} */ ($("traversal-all")).checked;
  const chosen = Number(/** @type {HTMLSelectElement} */ ($("traversal-dim")).value);
  /** @type {{ label: string, base: ArrayLike<number>, dim: number }[]} */
  const rows = [];
  if (all) {
    for (const j of data.dims.order) {
      rows.push({ label: `z${j}`, base: state.z, dim: j });
    }
  } else {
    rows.push({ label: "z", base: state.z, dim: chosen });
    const pickRows = state.picks ? state.picks.mean.map((m, i) => ({ m, i })) : [];
    const sel = api.selectedPick;
    const ordered = sel === null ? pickRows : [
      pickRows[sel],
      ...pickRows.filter((p) => p.i !== sel),
    ];
    for (const p of ordered.slice(0, 4)) {
      const indices = /** @type {SitePicks} */ (data.picks).indices;
      rows.push({ label: `#${indices[p.i]}`, base: p.m, dim: chosen });
    }
  }
  const codes = new Float32Array(rows.length * steps * d);
  const valuesPerRow = rows.map((r) =>
    linspace(data.dims.ranges[r.dim][0], data.dims.ranges[r.dim][1], steps)
  );
  rows.forEach((r, i) => {
    valuesPerRow[i].forEach((v, k) => {
      const at = (i * steps + k) * d;
      codes.set(r.base, at);
      codes[at + r.dim] = v;
    });
  });
  const pixels = await decodeRows(codes, rows.length * steps);
  const scale = Math.max(1, Math.floor(56 / Math.max(h, w)));
  const gap = 2, labelW = 56, headH = all ? 4 : 16;
  const canvas = /** @type {HTMLCanvasElement} */ ($("traversal"));
  canvas.width = labelW + steps * (w * scale + gap);
  canvas.height = headH + rows.length * (h * scale + gap);
  canvas.style.width = `${canvas.width}px`;
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = "#5f6b78";
  if (!all) {
    valuesPerRow[0].forEach((v, k) => {
      ctx.fillText(v.toFixed(1), labelW + k * (w * scale + gap) + 2, 12);
    });
  }
  rows.forEach((r, i) => {
    const y = headH + i * (h * scale + gap);
    ctx.fillStyle = "#1d232b";
    ctx.fillText(r.label, 2, y + (h * scale) / 2 + 4);
    for (let k = 0; k < steps; k++) {
      drawImageAt(ctx, pixels, i * steps + k, labelW + k * (w * scale + gap), y, scale);
    }
  });
  $("traversal-note").textContent = all
    ? `each row sweeps one dimension of the current z over its slider range (rows by KL)`
    : `z${chosen} swept over [${data.dims.ranges[chosen].join(", ")}] from the current z ` +
      `and from ${rows.length - 1} data image(s)' μ`;
  api.traversalCount++;
}

// ---------------------------------------------------------------- data images

/** @param {SiteData} data */
async function loadPicks(data) {
  const note = $("picks-note");
  if (!data.picks) {
    note.textContent = `No data images: ${data.picksNote || "none were exported"}.`;
    return;
  }
  const p = data.picks;
  const [n, h, w, c] = p.shape;
  let bytes;
  try {
    bytes = new Uint8Array(await fetchOk(p.file, "bin"));
  } catch (e) {
    note.textContent = `No data images: cannot load ${firstLine(e)}.`;
    return;
  }
  if (bytes.length !== n * h * w * c) {
    note.textContent = `No data images: ${p.file} holds ${bytes.length} bytes, not ${
      n * h * w * c
    }.`;
    return;
  }
  const floats = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) floats[i] = bytes[i] / 255;
  const encoded = await encodeImages(floats, n);
  state.picks = { floats, ...encoded };
  api.picksMean = encoded.mean;
  api.encodeMaxDiff = maxAbsDifference(encoded.mean, p.mean);
  note.textContent = `${p.heldOut ? "Held-out" : "Training"} images of ${p.dataset} (${n}), ` +
    `encoded here; click one to set z to its posterior mean μ. ` +
    `|μ here − μ in Deno| ≤ ${formatNumber(api.encodeMaxDiff)}.`;
  const scale = Math.max(1, Math.round(48 / Math.max(h, w)));
  const box = $("picks");
  box.innerHTML = "";
  for (let i = 0; i < n; i++) {
    const canvas = document.createElement("canvas");
    canvas.className = "pixelated";
    canvas.dataset.pick = String(i);
    putImage(canvas, floats, i);
    canvas.style.width = `${w * scale}px`;
    canvas.style.height = `${h * scale}px`;
    const factors = p.factorNames.map((f, k) => `${f} ${p.factors[i]?.[k]}`).join(", ");
    canvas.title = `#${p.indices[i]}${factors ? `: ${factors}` : ""}`;
    canvas.addEventListener("click", () => selectPick(i));
    box.appendChild(canvas);
  }
}

/**
 * Shows data image i and sets z to its μ (only called once the images are loaded).
 * @param {number} i
 */
function selectPick(i) {
  const p = /** @type {SitePicks} */ (state.data.picks);
  const picks = /** @type {NonNullable<State["picks"]>} */ (state.picks);
  api.selectedPick = i;
  for (
    const el of /** @type {NodeListOf<HTMLCanvasElement>} */ (
      document.querySelectorAll("#picks canvas")
    )
  ) {
    el.classList.toggle("selected", Number(el.dataset.pick) === i);
  }
  putImage(/** @type {HTMLCanvasElement} */ ($("original")), picks.floats, i);
  const factors = p.factorNames.map((f, k) => `${f} ${p.factors[i]?.[k]}`).join(", ");
  $("original-caption").textContent = `data image #${p.indices[i]}${
    factors ? ` (${factors})` : ""
  }`;
  $("original-figure").hidden = false;
  $("back-to-pick").hidden = false;
  /** @type {HTMLButtonElement} */ ($("back-to-pick")).disabled = false;
  setZ(picks.mean[i], "decoder(μ): its reconstruction");
}

// ---------------------------------------------------------------- start

async function main() {
  let data;
  try {
    data = await fetchOk("run.json", "json");
  } catch (e) {
    throw new Error(`Cannot start: ${firstLine(e)}`);
  }
  if (data?.format !== "disentangle-explorer/1") {
    throw new Error("Cannot start: run.json is not an explorer export");
  }
  state.data = data;
  renderFacts(data);
  renderMetrics(data);
  renderCurves(data);
  if (typeof tf === "undefined") {
    throw new Error("Cannot start TensorFlow.js: vendor/tf.min.js did not load");
  }
  api.tfjsVersion = tf.version?.tfjs ?? null;
  $("status").textContent = "choosing a TensorFlow.js backend…";
  const wanted = new URLSearchParams(location.search).get("backend");
  api.backend = await chooseBackend(wanted);
  $("status").textContent = `loading the model on ${api.backend}…`;
  const t0 = performance.now();
  try {
    [state.encoder, state.decoder] = await Promise.all([
      loadModel(data.model.encoder),
      loadModel(data.model.decoder),
    ]);
  } catch (e) {
    throw new Error(`Cannot load the model: ${firstLine(e)}`);
  }
  const d = data.model.latentDim;
  const inD = state.decoder.inputs[0].shape[1];
  const outShape = state.decoder.outputs[0].shape.slice(1).join("×");
  const encOut = state.encoder.outputs[0].shape[1];
  if (inD !== d || encOut !== 2 * d || outShape !== data.model.inputShape.join("×")) {
    throw new Error(
      `Cannot load the model: its shapes (encoder → ${encOut}, decoder ${inD} → ${outShape}) ` +
        `do not match run.json (${d} latent dims, images ${data.model.inputShape.join("×")})`,
    );
  }
  const loadMs = performance.now() - t0;
  state.z = new Float32Array(d);
  buildSliders(data);
  const [h, w] = data.model.inputShape;
  const big = Math.max(1, Math.floor(224 / Math.max(h, w)));
  for (const id of ["decoded", "original"]) {
    $(id).style.width = `${w * big}px`;
    $(id).style.height = `${h * big}px`;
  }
  await loadPicks(data);
  scheduleRender();
  await renderTraversal();
  while (state.rendering || state.dirty) await new Promise((r) => setTimeout(r, 10));
  for (const id of ["zero", "sample"]) /** @type {HTMLButtonElement} */ ($(id)).disabled = false;
  $("zero").addEventListener("click", () => setZ(new Float32Array(d), "decoder(0)"));
  $("sample").addEventListener("click", () => {
    const z = Array.from({ length: d }, () => {
      const u = 1 - Math.random(), v = Math.random();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    });
    setZ(z, "decoder(z), z from the prior");
  });
  $("back-to-pick").addEventListener("click", () => {
    if (api.selectedPick !== null) selectPick(api.selectedPick);
  });
  for (const id of ["traversal-dim", "traversal-steps", "traversal-all"]) {
    $(id).addEventListener("change", () => scheduleTraversal(0));
  }
  $("status").textContent = `running on ${api.backend} (TensorFlow.js ${api.tfjsVersion}); ` +
    `model loaded in ${loadMs.toFixed(0)} ms${
      api.backendNotes.length ? `; skipped ${api.backendNotes.join("; ")}` : ""
    }`;
  api.ready = true;
}

main().catch((e) => fail(firstLine(e)));
