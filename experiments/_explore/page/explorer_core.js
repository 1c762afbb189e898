// @ts-check
// The explorer page's pure parts (no DOM, no tfjs): dimension order, slider
// ranges, pixel conversion, number formatting and the inline SVG charts. The
// page imports this file as it is; Deno's tests import it too.

/**
 * The order the sliders are shown in: `klOrder` when it is a permutation of
 * 0..latentDim−1, else by decreasing KL (ties by index), else 0..latentDim−1.
 *
 * @param {number} latentDim
 * @param {unknown} klOrder
 * @param {unknown} kl
 * @returns {number[]}
 */
export function dimensionOrder(latentDim, klOrder, kl) {
  const identity = Array.from({ length: latentDim }, (_, j) => j);
  if (
    Array.isArray(klOrder) && klOrder.length === latentDim &&
    [...klOrder].sort((a, b) => a - b).every((v, j) => v === j)
  ) {
    return [...klOrder];
  }
  if (Array.isArray(kl) && kl.length === latentDim && kl.every((v) => Number.isFinite(v))) {
    return identity.sort((a, b) => kl[b] - kl[a] || a - b);
  }
  return identity;
}

/**
 * `n` evenly spaced values from `a` to `b` inclusive.
 *
 * @param {number} a
 * @param {number} b
 * @param {number} n
 * @returns {number[]}
 */
export function linspace(a, b, n) {
  if (n === 1) return [(a + b) / 2];
  return Array.from({ length: n }, (_, k) => a + ((b - a) * k) / (n - 1));
}

/**
 * Each dimension's slider range: at least [−3, 3] (the prior's ±3σ), widened
 * to half-units beyond the posterior means seen in the data.
 *
 * @param {number} latentDim
 * @param {ArrayLike<number>[]} means one row of `latentDim` numbers per data image
 * @returns {[number, number][]}
 */
export function sliderRanges(latentDim, means) {
  return Array.from({ length: latentDim }, (_, j) => {
    let lo = -3, hi = 3;
    for (const row of means) {
      const v = row[j];
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, Math.floor((v - 0.25) * 2) / 2);
      hi = Math.max(hi, Math.ceil((v + 0.25) * 2) / 2);
    }
    return /** @type {[number, number]} */ ([lo, hi]);
  });
}

/**
 * Pixel values in [0, 1] (`h·w·c` of them from `offset`, c = 1 or 3) as
 * opaque RGBA bytes for an ImageData; grey images fill R, G and B alike.
 *
 * @param {ArrayLike<number>} values
 * @param {number} h
 * @param {number} w
 * @param {number} c
 * @param {number} [offset]
 * @returns {Uint8ClampedArray<ArrayBuffer>}
 */
export function toRgba(values, h, w, c, offset = 0) {
  const out = new Uint8ClampedArray(h * w * 4);
  for (let p = 0; p < h * w; p++) {
    for (let ch = 0; ch < 3; ch++) {
      const v = values[offset + p * c + (c === 1 ? 0 : ch)];
      out[p * 4 + ch] = Math.round(255 * (v > 1 ? 1 : v > 0 ? v : 0));
    }
    out[p * 4 + 3] = 255;
  }
  return out;
}

/**
 * A number for a table or an axis: 3 significant digits, exponent form when
 * it is very small or large, "–" when it is missing.
 *
 * @param {unknown} v
 * @returns {string}
 */
export function formatNumber(v) {
  if (typeof v !== "number" || !Number.isFinite(v)) return "–";
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

/**
 * Round axis ticks covering [min, max]: multiples of 1, 2 or 5 × 10^k, about
 * `count` of them.
 *
 * @param {number} min
 * @param {number} max
 * @param {number} [count]
 * @returns {number[]}
 */
export function niceTicks(min, max, count = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

/**
 * The points `[step, value]` of one logged quantity: `split` is "train" or
 * "validation", `key` a scalar (e.g. "loss") or `klPerDimension` with `index`.
 *
 * @param {{step: number, train?: Record<string, unknown>, validation?: Record<string, unknown>}[]} log
 * @param {"train" | "validation"} split
 * @param {string} key
 * @param {number} [index]
 * @returns {[number, number][]}
 */
export function logSeries(log, split, key, index) {
  /** @type {[number, number][]} */
  const points = [];
  for (const record of log) {
    const values = record[split];
    if (!values) continue;
    let v = values[key];
    if (index !== undefined) v = Array.isArray(v) ? v[index] : undefined;
    if (typeof v === "number" && Number.isFinite(v)) points.push([record.step, v]);
  }
  return points;
}

/**
 * Escapes text for HTML and SVG.
 *
 * @param {unknown} s
 * @returns {string}
 */
export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) =>
    /** @type {Record<string, string>} */ ({
      "&": "&amp;",
      "<": "&lt;",
      ">": "&gt;",
      '"': "&quot;",
      "'": "&#39;",
    })[c]);
}

/**
 * @typedef {{ label: string, color: string, points: [number, number][], dashed?: boolean }} Series
 */

/**
 * A small line chart as SVG markup: one path per series over shared axes
 * (steps on x), round ticks, a legend, and a tooltip (`<title>`) on each
 * point. Series without finite points are left out; with none at all the
 * chart says "no data".
 *
 * @param {{ title: string, series: Series[], width?: number, height?: number }} chart
 * @returns {string}
 */
export function chartSvg({ title, series, width = 300, height = 170 }) {
  const left = 46, right = 14, top = 20, bottom = 34;
  const shown = series.filter((s) => s.points.length > 0);
  const head =
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${
      escapeHtml(title)
    }"><text class="chart-title" x="${left}" y="13">${escapeHtml(title)}</text>`;
  if (shown.length === 0) {
    return `${head}<text class="chart-empty" x="${width / 2}" y="${
      height / 2
    }" text-anchor="middle">no data</text></svg>`;
  }
  const xs = shown.flatMap((s) => s.points.map((p) => p[0]));
  const ys = shown.flatMap((s) => s.points.map((p) => p[1]));
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) {
    const pad = Math.abs(y0) * 0.1 || 1;
    [y0, y1] = [y0 - pad, y1 + pad];
  } else {
    const pad = (y1 - y0) * 0.05;
    [y0, y1] = [y0 - pad, y1 + pad];
  }
  const plotW = width - left - right, plotH = height - top - bottom;
  /** @param {number} x */
  const sx = (x) => left + ((x - x0) / (x1 - x0)) * plotW;
  /** @param {number} y */
  const sy = (y) => top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const f = (/** @type {number} */ v) => v.toFixed(1);
  let svg = head;
  for (const t of niceTicks(y0, y1, 4)) {
    svg += `<line class="grid" x1="${left}" x2="${width - right}" y1="${f(sy(t))}" y2="${
      f(sy(t))
    }"/><text class="tick" x="${left - 4}" y="${f(sy(t) + 3)}" text-anchor="end">${
      formatNumber(t)
    }</text>`;
  }
  // Steps are integers: keep integer ticks only (at least the ends of the range).
  let xTicks = niceTicks(x0, x1, 4);
  if (xs.every(Number.isInteger)) {
    xTicks = xTicks.filter(Number.isInteger);
    if (xTicks.length < 2) xTicks = [...new Set([Math.min(...xs), Math.max(...xs)])];
  }
  for (const t of xTicks) {
    svg += `<text class="tick" x="${f(sx(t))}" y="${top + plotH + 12}" text-anchor="middle">${
      formatNumber(t)
    }</text>`;
  }
  svg += `<rect class="frame" x="${left}" y="${top}" width="${plotW}" height="${plotH}"/>`;
  for (const s of shown) {
    const d = s.points.map((p, i) => `${i ? "L" : "M"}${f(sx(p[0]))},${f(sy(p[1]))}`).join("");
    svg += `<path class="line" d="${d}" stroke="${s.color}"${
      s.dashed ? ' stroke-dasharray="4 3"' : ""
    }/>`;
    if (s.points.length <= 200) {
      for (const p of s.points) {
        svg += `<circle cx="${f(sx(p[0]))}" cy="${f(sy(p[1]))}" r="${
          s.points.length === 1 || s.dashed ? 2.5 : 1.5
        }" fill="${s.color}"><title>${escapeHtml(s.label)} at step ${p[0]}: ${
          formatNumber(p[1])
        }</title></circle>`;
      }
    }
  }
  let lx = left;
  for (const s of shown) {
    svg += `<line x1="${lx}" x2="${lx + 14}" y1="${height - 8}" y2="${
      height - 8
    }" stroke="${s.color}" stroke-width="2"${
      s.dashed ? ' stroke-dasharray="4 3"' : ""
    }/><text class="legend" x="${lx + 17}" y="${height - 4}">${escapeHtml(s.label)}</text>`;
    lx += 24 + 6 * s.label.length;
  }
  return `${svg}</svg>`;
}

/**
 * The largest absolute difference between two equally long lists of rows.
 *
 * @param {ArrayLike<number>[]} a
 * @param {ArrayLike<number>[]} b
 * @returns {number}
 */
export function maxAbsDifference(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  }
  return m;
}
