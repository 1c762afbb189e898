// metrics/ must stay embeddable without tfjs: every module under metrics/ may
// import only other modules under metrics/, plus `import type` of
// data/ground_truth_data.ts. Imports are read from Deno's own module graph
// (`deno info --json`), so comments, strings and doc examples are not mistaken
// for imports, and dynamic imports and re-exports are included.
import assert from "node:assert/strict";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const repo = resolve(dirname(fromFileUrl(import.meta.url)), "..", "..");

interface Dependency {
  specifier: string;
  code?: { specifier?: string; error?: string };
  type?: { specifier?: string; error?: string };
  isDynamic?: boolean;
}

/** The direct imports of `file`, as Deno's module graph resolves them. */
async function importsOf(file: string): Promise<Dependency[]> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--no-lock", "--no-npm", "--no-remote", file],
    cwd: repo,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, `deno info ${file} failed: ${new TextDecoder().decode(stderr)}`);
  const graph = JSON.parse(text) as {
    modules: { specifier: string; dependencies?: Dependency[] }[];
  };
  const root = graph.modules.find((m) =>
    m.specifier.startsWith("file:") && fromFileUrl(m.specifier) === file
  );
  return root?.dependencies ?? [];
}

/**
 * Why each import of `file` breaks the rule for a module folder `root` (empty
 * when it keeps it): targets must be files under `root`, except a type-only
 * import of `<root>/../data/ground_truth_data.ts`.
 */
async function violations(file: string, root: string): Promise<string[]> {
  const allowedType = join(root, "..", "data", "ground_truth_data.ts");
  const found: string[] = [];
  for (const dep of await importsOf(file)) {
    const target = dep.code?.specifier ?? dep.type?.specifier;
    const where = `${relative(repo, file)} imports "${dep.specifier}"`;
    if (/@tensorflow/.test(dep.specifier) || (target && /@tensorflow/.test(target))) {
      found.push(`${where}: a @tensorflow package`);
      continue;
    }
    if (!target || !target.startsWith("file:")) {
      found.push(`${where}: not a file under ${relative(repo, root)}/`);
      continue;
    }
    const path = fromFileUrl(target);
    if (path.startsWith(root + sep)) continue;
    if (path === allowedType && !dep.code) continue; // `import type` only
    found.push(`${where}: outside ${relative(repo, root)}/`);
  }
  return found;
}

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* tsFiles(path);
    else if (/\.(ts|tsx|js|mjs|mts)$/.test(entry.name)) yield path;
  }
}

Deno.test("metrics/ imports nothing outside metrics/ (no tfjs)", async () => {
  const root = join(repo, "metrics");
  const files: string[] = [];
  for await (const f of tsFiles(root)) files.push(f);
  assert.ok(files.length > 10, `expected the metrics modules, found ${files.length}`);
  const found: string[] = [];
  for (const f of files.sort()) found.push(...(await violations(f, root)));
  assert.deepEqual(found, []);
});

Deno.test("the import check catches what it must and ignores comments and strings", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const root = join(tmp, "metrics");
    await Deno.mkdir(root);
    await Deno.mkdir(join(tmp, "data"));
    await Deno.writeTextFile(
      join(tmp, "data", "ground_truth_data.ts"),
      "export type G = number;\n",
    );
    await Deno.writeTextFile(join(tmp, "data", "other.ts"), "export const o = 1;\n");
    await Deno.writeTextFile(join(tmp, "data", "dynamic.ts"), "export const d = 1;\n");
    await Deno.writeTextFile(join(root, "ok.ts"), "export const ok = 1;\n");
    await Deno.writeTextFile(
      join(root, "good.ts"),
      [
        '// import * as tf from "@tensorflow/tfjs";',
        '/** ```ts\n * import { x } from "../data/other.ts";\n * ``` */',
        'import type { G } from "../data/ground_truth_data.ts";',
        'import { ok } from "./ok.ts";',
        "export const s: string = \"import y from '../data/other.ts'\";",
        "export const g: G = ok;",
      ].join("\n"),
    );
    assert.deepEqual(await violations(join(root, "good.ts"), root), []);
    await Deno.writeTextFile(
      join(root, "bad.ts"),
      [
        'import * as tf from "npm:@tensorflow/tfjs-core@4.22.0";',
        'import { o } from "../data/other.ts";',
        'export { G } from "../data/ground_truth_data.ts";',
        'import { readFileSync } from "node:fs";',
        'export const f = () => import("../data/dynamic.ts");',
        "export const all = [tf, o, readFileSync];",
      ].join("\n"),
    );
    const found = await violations(join(root, "bad.ts"), root);
    assert.equal(found.length, 5, found.join("\n"));
    assert.match(found[0], /@tensorflow package/);
    assert.match(found[1], /"\.\.\/data\/other\.ts": outside/);
    assert.match(found[2], /ground_truth_data\.ts": outside/); // a value re-export, not `import type`
    assert.match(found[3], /"node:fs": not a file/);
    assert.match(found[4], /"\.\.\/data\/dynamic\.ts": outside/); // dynamic import
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
