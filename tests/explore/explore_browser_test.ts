// End to end in headless Chromium: a tiny trained run, served by
// `deno task explore` and exported with --out, runs in the browser; moving a
// slider redraws the decoded image, which must equal the decoder run in Deno
// for the same latent vector; a broken model is reported on the page.
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tf } from "../_helpers/tf.ts";
import { loadVae } from "../../models/load_vae.ts";
import { chromiumPath, hasChromium, launchChromium, type Page } from "../_helpers/chromium.ts";
import { explore, startExplorer, trainTinyRun } from "./_runs.ts";

/** Where the test leaves its screenshot (outside the repository). */
const SCREENSHOT = join(tmpdir(), "disentangle-explorer-e2e.png");

/** The decoded image as the page shows it: the R channel of #decoded, 0..255. */
async function shownPixels(page: Page): Promise<number[]> {
  return await page.evaluate<number[]>(`(() => {
    const c = document.getElementById("decoded");
    const rgba = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    return Array.from(rgba.filter((_, i) => i % 4 === 0));
  })()`);
}

/** The same image from the decoder in Deno (cpu backend): round(255·sigmoid(decoder(z))). */
function denoPixels(decoder: tf.LayersModel, z: number[]): number[] {
  const out = tf.tidy(() =>
    tf.round(tf.mul(tf.sigmoid(decoder.predict(tf.tensor2d([z])) as tf.Tensor), 255))
  );
  const values = Array.from(out.dataSync());
  out.dispose();
  return values;
}

function compare(shown: number[], expected: number[]) {
  assert.equal(shown.length, expected.length);
  let max = 0, sum = 0;
  for (let i = 0; i < shown.length; i++) {
    const d = Math.abs(shown[i] - expected[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / shown.length };
}

async function waitIdle(page: Page) {
  await page.waitFor("explorer.ready && !explorer.pending && !explorer.error");
}

Deno.test("the explorer runs the trained model in headless Chromium", async (t) => {
  assert.ok(
    hasChromium(),
    `headless Chromium is needed at ${chromiumPath()} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
  const root = await Deno.makeTempDir({ prefix: "explore-e2e-" });
  const run = await trainTinyRun(root);
  await tf.setBackend("cpu");
  const vae = await loadVae(join(run, "model"));
  const browser = await launchChromium();
  try {
    await t.step(
      "served: a slider moves the decoded image, which matches Deno's decoder",
      async () => {
        const server = await startExplorer(run, ["--samples", "12"]);
        try {
          const page = await browser.newPage({ width: 1280, height: 1000 });
          await page.goto(server.url);
          await page.waitFor("window.explorer && (explorer.ready || explorer.error)", 30_000);
          assert.equal(await page.evaluate("explorer.error"), null, page.messages.join("\n"));
          await waitIdle(page);
          // Headless Chromium with --disable-gpu has only software WebGL (SwiftShader),
          // which the page passes over for wasm; with a GPU it would take webgl.
          const backend = await page.evaluate<string>("explorer.backend");
          const notes = await page.evaluate<string[]>("explorer.backendNotes");
          if (notes.some((n) => /^webgl: software renderer/.test(n))) assert.equal(backend, "wasm");
          else assert.equal(backend, "webgl", notes.join("; "));
          assert.equal(await page.evaluate("explorer.tfjsVersion"), "4.22.0");

          const tensors = await page.evaluate<number>("tf.memory().numTensors");

          // Before: z = 0, and the page's pixels are Deno's.
          const z0 = await page.evaluate<number[]>("explorer.z");
          assert.deepEqual(z0, [0, 0, 0, 0]);
          const before = await shownPixels(page);
          assert.equal(before.length, 28 * 28);
          const atZero = compare(before, denoPixels(vae.decoder, z0));
          assert.ok(atZero.max <= 2, `z = 0: max pixel difference ${atZero.max} > 2 of 255`);

          // Move the slider of the dimension shown first (largest KL) with a real mouse click
          // near its right end.
          const summary = JSON.parse(await Deno.readTextFile(join(run, "summary.json")));
          const top = summary.klOrder[0] as number;
          const box = await page.evaluate<{ x: number; y: number; w: number; h: number }>(`(() => {
          const r = document.getElementById("z-${top}").getBoundingClientRect();
          return { x: r.left, y: r.top, w: r.width, h: r.height };
        })()`);
          const renders = await page.evaluate<number>("explorer.renderCount");
          await page.click(box.x + 0.9 * box.w, box.y + box.h / 2);
          await page.waitFor(`explorer.renderCount > ${renders} && !explorer.pending`);
          const z1 = await page.evaluate<number[]>("explorer.z");
          const sliderValue = Number(
            await page.evaluate(`document.getElementById("z-${top}").value`),
          );
          assert.ok(z1[top] > 1.5, `the slider click set z${top} to ${z1[top]}`);
          assert.equal(z1[top], Math.fround(sliderValue));
          z1.forEach((v, j) => j !== top && assert.equal(v, 0));

          // After: the image changed, and it is still Deno's decoder at the new z.
          const after = await shownPixels(page);
          const changed = after.filter((v, i) => v !== before[i]).length;
          assert.ok(changed > 0, "the decoded image did not change");
          const atZ1 = compare(after, denoPixels(vae.decoder, z1));
          assert.ok(atZ1.max <= 2, `moved: max pixel difference ${atZ1.max} > 2 of 255`);
          assert.ok(atZ1.mean <= 0.5, `moved: mean pixel difference ${atZ1.mean}`);

          // The data picker: a click sets z to the image's μ as encoded in the browser,
          // which agrees with the encoder run in Deno (run.json).
          const data = await page.evaluate<{ picks: { mean: number[][]; indices: number[] } }>(
            `fetch("run.json").then((r) => r.json())`,
          );
          assert.equal(data.picks.indices.length, 12);
          assert.ok(await page.evaluate<number>("explorer.encodeMaxDiff") < 1e-3);
          const pick = await page.evaluate<{ x: number; y: number }>(`(() => {
          const r = document.querySelector('#picks canvas[data-pick="3"]').getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        })()`);
          const count = await page.evaluate<number>("explorer.renderCount");
          await page.click(pick.x, pick.y);
          await page.waitFor(`explorer.selectedPick === 3 && explorer.renderCount > ${count}`);
          await waitIdle(page);
          const z2 = await page.evaluate<number[]>("explorer.z");
          z2.forEach((v, j) => assert.ok(Math.abs(v - data.picks.mean[3][j]) < 1e-3, `z${j} ${v}`));
          const atPick = compare(await shownPixels(page), denoPixels(vae.decoder, z2));
          assert.ok(atPick.max <= 2, `picked: max pixel difference ${atPick.max}`);

          // The traversal grid redraws for another dimension and for every dimension.
          const traversals = await page.evaluate<number>("explorer.traversalCount");
          await page.evaluate(`(() => {
          const s = document.getElementById("traversal-all");
          s.checked = true;
          s.dispatchEvent(new Event("change"));
        })()`);
          await page.waitFor(`explorer.traversalCount > ${traversals}`);
          const size = await page.evaluate<number[]>(
            `[document.getElementById("traversal").width, document.getElementById("traversal").height]`,
          );
          assert.ok(size[0] >= 9 * 28 && size[1] >= 4 * 28, `traversal canvas ${size}`);

          // Decoding, encoding and traversals leave no tensors behind (once in-flight work ends).
          await page.waitFor(`!explorer.pending && tf.memory().numTensors === ${tensors}`, 5_000);

          // Metrics and curves are on the page.
          const metrics = await page.evaluate<string>(
            `document.getElementById("metrics").innerText`,
          );
          assert.match(metrics, /MIG \(mutual information gap\)\s+0\.\d+/);
          const lines = await page.evaluate<number>(
            `document.querySelectorAll("#curves svg path.line").length`,
          );
          assert.ok(lines >= 7 * 2, `${lines} curves`);
          assert.equal(
            await page.evaluate(`document.querySelectorAll("#sliders .slider-row").length`),
            4,
          );

          const png = await page.screenshot();
          assert.deepEqual([...png.subarray(1, 4)], [80, 78, 71]); // "PNG"
          await Deno.writeFile(SCREENSHOT, png);
        } finally {
          await server.stop();
        }
      },
    );

    await t.step(
      "exported: the static site works on each backend, and reports a broken model",
      async () => {
        const site = join(root, "site");
        const result = await explore([run, "--out", site, "--samples", "4"]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /wrote the explorer for tiny .* to .*site/);
        // Any static server will do: this one knows nothing of the explorer.
        const types: Record<string, string> = {
          html: "text/html",
          js: "text/javascript",
          css: "text/css",
          wasm: "application/wasm",
          json: "application/json",
        };
        const server = Deno.serve(
          { hostname: "127.0.0.1", port: 0, onListen: () => {} },
          async (r) => {
            const path = new URL(r.url).pathname.replace(/\/$/, "/index.html");
            try {
              const body = await Deno.readFile(join(site, path));
              const ext = path.slice(path.lastIndexOf(".") + 1);
              return new Response(body, { headers: { "content-type": types[ext] ?? "" } });
            } catch {
              return new Response("not found", { status: 404 });
            }
          },
        );
        const url = `http://127.0.0.1:${server.addr.port}/`;
        try {
          const page = await browser.newPage();
          for (const backend of ["webgl", "wasm", "cpu"]) {
            await page.goto(`${url}?backend=${backend}`);
            await page.waitFor("window.explorer && (explorer.ready || explorer.error)", 30_000);
            assert.equal(await page.evaluate("explorer.error"), null, page.messages.join("\n"));
            assert.equal(await page.evaluate("explorer.backend"), backend);
            await waitIdle(page);
            const shown = await shownPixels(page);
            const diff = compare(shown, denoPixels(vae.decoder, [0, 0, 0, 0]));
            assert.ok(diff.max <= 1, `${backend}: max pixel difference ${diff.max}`);
          }
          // Without WebGL (no context can be made) the page falls back to WASM.
          const noGl = await browser.newPage();
          await noGl.addInitScript(`
          for (const C of [HTMLCanvasElement, globalThis.OffscreenCanvas].filter(Boolean)) {
            const original = C.prototype.getContext;
            C.prototype.getContext = function (kind, ...rest) {
              return /webgl/.test(kind) ? null : original.call(this, kind, ...rest);
            };
          }`);
          await noGl.goto(url);
          await noGl.waitFor("window.explorer && (explorer.ready || explorer.error)", 30_000);
          assert.equal(await noGl.evaluate("explorer.error"), null, noGl.messages.join("\n"));
          assert.equal(await noGl.evaluate("explorer.backend"), "wasm");
          assert.match((await noGl.evaluate<string[]>("explorer.backendNotes"))[0], /^webgl: /);

          // Dimensions run.json calls inactive are marked so, in KL order.
          const runJson = join(site, "run.json");
          const data = JSON.parse(await Deno.readTextFile(runJson));
          const last = data.dims.order[3];
          data.dims.active = [true, true, true, true];
          data.dims.active[last] = false;
          await Deno.writeTextFile(runJson, JSON.stringify(data));
          await page.goto(url);
          await page.waitFor("window.explorer && (explorer.ready || explorer.error)", 30_000);
          const rows = await page.evaluate<string[]>(
            `Array.from(document.querySelectorAll("#sliders .slider-row"), (r) => r.className + " " + r.innerText.replace(/\\s+/g, " "))`,
          );
          assert.deepEqual(rows.map((r) => r.match(/z(\d)/)![1]), data.dims.order.map(String));
          assert.deepEqual(rows.map((r) => r.startsWith("slider-row inactive")), [
            false,
            false,
            false,
            true,
          ]);
          assert.match(rows[3], /inactive$/i);

          // A cut weights file, then a missing one: each named on the page.
          const weights = join(site, "model/decoder/weights.bin");
          const bytes = await Deno.readFile(weights);
          await Deno.writeFile(weights, bytes.subarray(0, 1000));
          await page.goto(url);
          await page.waitFor("window.explorer && explorer.error", 30_000);
          assert.equal(
            await page.evaluate<string>("explorer.error"),
            `Cannot load the model: model/decoder/weights.bin hold 1000 bytes, but model/decoder/model.json needs ${bytes.length}`,
          );
          await Deno.remove(weights);
          await page.goto(url);
          await page.waitFor("window.explorer && explorer.error", 30_000);
          const message = await page.evaluate<string>("explorer.error");
          assert.equal(message, "Cannot load the model: model/decoder/weights.bin: HTTP 404");
          const banner = await page.evaluate<string>(
            `(() => { const e = document.getElementById("error"); return e.hidden ? "" : e.innerText; })()`,
          );
          assert.equal(banner, message);
          // What needs no model is still shown.
          assert.match(await page.evaluate<string>(`document.body.innerText`), /training curves/i);
        } finally {
          await server.shutdown();
        }
      },
    );
  } finally {
    await browser.close();
    vae.encoder.dispose();
    vae.decoder.dispose();
    await Deno.remove(root, { recursive: true });
  }
});
