import assert from "node:assert/strict";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { loadImageFolder } from "@disentangle/vae/data";
import { assertClose, assertRejectsWith } from "../_helpers/assert.ts";

/** Writes a PNG whose pixel (x, y) has RGBA `color(x, y)`. */
async function writePng(
  path: string,
  width: number,
  height: number,
  color: (x: number, y: number) => number[],
) {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) png.data.set(color(x, y), (y * width + x) * 4);
  }
  await Deno.writeFile(path, PNG.sync.write(png));
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadImageFolder: area averaging when shrinking, exact on blocks and fractional edges", () =>
  withDir(async (dir) => {
    // 4×4 of 2×2 blocks: red, green / blue, white.
    const block = (x: number, y: number) =>
      [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [
        255,
        255,
        255,
        255,
      ]][(y >> 1) * 2 + (x >> 1)];
    await writePng(`${dir}/blocks.png`, 4, 4, block);
    const rgb = await loadImageFolder(dir, { size: 2 });
    const { data, shape } = await rgb.observations([0]);
    assert.deepEqual(shape, [1, 2, 2, 3]);
    assert.deepEqual(Array.from(data), [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    const grey = await loadImageFolder(dir, { size: 2, channels: 1 });
    assertClose((await grey.observations([0])).data, [0.299, 0.587, 0.114, 1], { atol: 1e-6 });
  }));

Deno.test("loadImageFolder: 3 → 2 pixels weights the shared pixel by half; enlarging is bilinear", () =>
  withDir(async (dir) => {
    await writePng(`${dir}/a.png`, 3, 1, (x) => (x === 1 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    const shrunk = await loadImageFolder(dir, { size: [1, 2], channels: 1, fit: "stretch" });
    assertClose((await shrunk.observations([0])).data, [1 / 3, 1 / 3], { atol: 1e-6 });
    await Deno.remove(`${dir}/a.png`);
    await writePng(`${dir}/b.png`, 2, 1, (x) => (x === 1 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    const grown = await loadImageFolder(dir, { size: [1, 4], channels: 1, fit: "stretch" });
    assertClose((await grown.observations([0])).data, [0, 0.25, 0.75, 1], { atol: 1e-6 });
  }));

Deno.test("loadImageFolder: crop boxes from JSON or text lines; cover versus stretch; alpha over black", () =>
  withDir(async (dir) => {
    await Deno.mkdir(`${dir}/img`);
    // 10×10 black with a white 4×4 square at x 2..5, y 3..6.
    await writePng(
      `${dir}/img/sq.png`,
      10,
      10,
      (x, y) => x >= 2 && x < 6 && y >= 3 && y < 7 ? [255, 255, 255, 255] : [0, 0, 0, 255],
    );
    // 8×4: the two left columns white, the rest black.
    await writePng(
      `${dir}/img/wide.png`,
      8,
      4,
      (x) => (x < 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]),
    );
    // Transparent white is black after compositing.
    await writePng(`${dir}/img/clear.png`, 2, 2, () => [255, 255, 255, 0]);
    await Deno.writeTextFile(`${dir}/boxes.json`, JSON.stringify({ "img/sq.png": [2, 3, 4, 4] }));
    const json = await loadImageFolder(`${dir}/img`, {
      size: 4,
      channels: 1,
      crops: `${dir}/boxes.json`,
    });
    assert.deepEqual(json.paths, ["clear.png", "sq.png", "wide.png"]);
    assert.ok((await json.observations([1])).data.every((v) => v === 1), "the crop is all white");
    assert.ok((await json.observations([0])).data.every((v) => v === 0), "alpha 0 is black");
    // CelebA-style text: a count line, a header, then whitespace-separated boxes keyed by name.
    await Deno.writeTextFile(
      `${dir}/boxes.txt`,
      "1\nimage_id x_1 y_1 width height\nsq.png 0 0 2 2\n",
    );
    const text = await loadImageFolder(`${dir}/img`, {
      size: 4,
      channels: 1,
      crops: `${dir}/boxes.txt`,
    });
    assert.ok(
      (await text.observations([1])).data.every((v) => v === 0),
      "the top-left corner is black",
    );
    const cover = await loadImageFolder(`${dir}/img`, { size: 4, channels: 1 });
    assert.ok(
      (await cover.observations([2])).data.every((v) => v === 0),
      "cover keeps the centre 4×4",
    );
    const stretch = await loadImageFolder(`${dir}/img`, { size: 4, channels: 1, fit: "stretch" });
    const s = (await stretch.observations([2])).data;
    assert.deepEqual(Array.from(s.subarray(0, 4)), [1, 0, 0, 0]);
  }));

Deno.test("loadImageFolder: JPEG files, recursive sorted paths, folder labels, cache", () =>
  withDir(async (dir) => {
    await Deno.mkdir(`${dir}/b`);
    await Deno.mkdir(`${dir}/a/deep`, { recursive: true });
    const grey = new Uint8Array(16 * 16 * 4).fill(128);
    await Deno.writeFile(
      `${dir}/b/g.jpg`,
      jpeg.encode({ width: 16, height: 16, data: grey }, 95).data,
    );
    await writePng(`${dir}/b/w.png`, 3, 3, () => [255, 255, 255, 255]);
    await writePng(`${dir}/a/deep/k.PNG`, 3, 3, () => [0, 0, 0, 255]);
    await Deno.writeTextFile(`${dir}/b/notes.txt`, "not an image");
    const d = await loadImageFolder(dir, { size: 8, labelsFromFolders: true, cacheSize: 1 });
    assert.deepEqual(d.paths, ["a/deep/k.PNG", "b/g.jpg", "b/w.png"]);
    assert.deepEqual(d.classNames, ["a/deep", "b"]);
    assert.deepEqual(d.factorNames, ["class"]);
    assert.deepEqual(d.factorSizes, [2]);
    assert.deepEqual(d.factors?.([0, 1, 2]), [[0], [1], [1]]);
    const batch = await d.observations([1, 0, 1, 2]);
    assert.deepEqual(batch.shape, [4, 8, 8, 3]);
    const px = 8 * 8 * 3;
    for (const v of batch.data.subarray(0, px)) {
      assert.ok(Math.abs(v - 128 / 255) < 0.02, `jpeg ${v}`);
    }
    assert.ok(batch.data.subarray(px, 2 * px).every((v) => v === 0));
    assert.deepEqual(batch.data.subarray(0, px), batch.data.subarray(2 * px, 3 * px));
    assert.ok(batch.data.subarray(3 * px).every((v) => v === 1));
    assert.equal(d.name, dir.slice(dir.lastIndexOf("/") + 1));
  }));

Deno.test("loadImageFolder: clear errors naming the folder or file", () =>
  withDir(async (dir) => {
    await assertRejectsWith(
      () => loadImageFolder(`${dir}/none`),
      Error,
      /Cannot load image folder .*none: no such folder/,
    );
    await Deno.writeTextFile(`${dir}/x.txt`, "text");
    await assertRejectsWith(
      () => loadImageFolder(dir),
      Error,
      /Cannot load image folder .*: no PNG or JPEG files/,
    );
    await Deno.writeFile(`${dir}/bad.png`, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5]));
    await Deno.writeTextFile(`${dir}/fake.jpg`, "plain text with a .jpg name");
    const d = await loadImageFolder(dir);
    await assertRejectsWith(
      () => d.observations([0]),
      Error,
      /Cannot read .*bad\.png: corrupt PNG/,
    );
    await assertRejectsWith(
      () => d.observations([1]),
      Error,
      /Cannot read .*fake\.jpg: not a PNG or JPEG file/,
    );
    await assertRejectsWith(
      () => d.observations([2]),
      RangeError,
      /indices\[0\] = 2 is outside 0\.\.1/,
    );
    await assertRejectsWith(
      () => loadImageFolder(dir, { labelsFromFolders: true }),
      Error,
      /labelsFromFolders needs every image in a subfolder; bad\.png is not/,
    );
    await Deno.writeTextFile(`${dir}/boxes.csv`, "bad.png,1,2,3,4\nfake.jpg,1,2\n");
    await assertRejectsWith(
      () => loadImageFolder(dir, { crops: `${dir}/boxes.csv` }),
      Error,
      /Cannot read .*boxes\.csv: line 2 is not "file x y w h"/,
    );
    await assertRejectsWith(
      () => loadImageFolder(dir, { crops: `${dir}/nope.json` }),
      Error,
      /Cannot read .*nope\.json: no such file/,
    );
    await Deno.writeTextFile(`${dir}/boxes.json`, '{"bad.png": [0, 0, -1, 3]}');
    await assertRejectsWith(
      () => loadImageFolder(dir, { crops: `${dir}/boxes.json` }),
      Error,
      /box of "bad\.png" must be \[x, y, w, h\] with w, h > 0, got \[0,0,-1,3\]/,
    );
    await assertRejectsWith(
      () => loadImageFolder(dir, { channels: 2 as 1 }),
      RangeError,
      /channels must be 1 or 3, got 2/,
    );
    await assertRejectsWith(
      () => loadImageFolder(dir, { size: 0 }),
      RangeError,
      /size must be an integer ≥ 1 or \[height, width\], got height 0/,
    );
    await assertRejectsWith(
      () => loadImageFolder(dir, { fit: "fill" as "cover" }),
      RangeError,
      /fit must be "cover" or "stretch", got fill/,
    );
  }));
