// The shape of the tree (DESIGN.md, "Shape of the code"; CONTRIBUTING.md,
// "Dependencies"): the folders import one another one way only, no folder
// reaches into another's private files, and the core folders import only what
// they may. Imports are read from Deno's own module graph (`deno info --json`),
// so comments, strings and doc examples are not mistaken for imports, and
// dynamic imports and re-exports are included.
import assert from "node:assert/strict";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The folders (and root files) whose imports are checked; tests/ is not one of them. */
const SOURCES = [
  "losses",
  "estimators",
  "metrics",
  "models",
  "data",
  "experiments",
  "bench",
  "mod.ts",
];

/** One import: `from` and `to` are repository paths, or `to` is a package when `kind` says so. */
interface Edge {
  /** The importing file, e.g. `losses/elbo_terms.ts`. */
  readonly from: string;
  /** The imported file (`estimators/mss_log_qz.ts`) or package (`@tensorflow/tfjs-core`, `node:fs`). */
  readonly to: string;
  /** Whether `to` is a file of the repository or a package. */
  readonly kind: "file" | "package";
  /** True for `import type` / `export type` only. */
  readonly typeOnly: boolean;
}

/** What a folder may import: other folders, type-only other folders, and packages. */
interface Rule {
  /** Folders (besides itself) it may import, or `"any"`. */
  readonly folders: readonly string[] | "any";
  /** Folders it may import types from (`import type`) but nothing else. */
  readonly typeOnlyFolders?: readonly string[];
  /** Packages it may import, or `"any"`. */
  readonly packages: readonly string[] | "any";
}

/**
 * The allowed dependencies. Data flows data → models → losses → estimators,
 * and the entry points (experiments/, bench/) sit at the edge: nothing else
 * imports them. Folders not listed are unconstrained.
 */
const RULES: Readonly<Record<string, Rule>> = {
  estimators: { folders: [], packages: ["@tensorflow/tfjs-core"] },
  losses: { folders: ["estimators"], packages: ["@tensorflow/tfjs-core"] },
  metrics: { folders: [], typeOnlyFolders: ["data"], packages: [] },
  data: { folders: [], packages: "any" },
  models: { folders: ["data", "losses", "estimators"], packages: "any" },
  experiments: {
    folders: ["data", "losses", "estimators", "metrics", "models", "deno.json"],
    packages: "any",
  },
  bench: { folders: ["data", "losses", "estimators", "metrics", "models"], packages: "any" },
  "mod.ts": { folders: ["data", "losses", "estimators", "metrics", "models"], packages: [] },
};

/**
 * Imports of another folder's private files made on purpose, each with the
 * reason. The test on the real tree fails when one of them is no longer made,
 * so the list cannot outlive its reason.
 */
const PRIVATE_IMPORTS_ALLOWED: readonly (readonly [from: string, to: string])[] = [
  // The benches time the library's train step against this folder's minimal
  // reference step (tests/models uses it too); it is not part of the API.
  ["bench/train_step_bench.ts", "models/_reference_step.ts"],
  ["bench/train_step_variants.ts", "models/_reference_step.ts"],
  // The "as shipped → each improvement" ablation registers the private wasm
  // kernels one stage at a time; the library only offers them all at once
  // (registerWasmTrainingKernels).
  ["bench/train_step_variants.ts", "models/_batch_mat_mul_wasm.ts"],
  ["bench/train_step_variants.ts", "models/_conv2d_backprop_filter_wasm.ts"],
  ["bench/train_step_variants.ts", "models/_conv2d_backprop_input_wasm.ts"],
  ["bench/train_step_variants.ts", "models/_explicit_same_padding_wasm.ts"],
  ["bench/train_step_variants.ts", "models/_transpose_wasm.ts"],
  // The in-process A/B registers this tree's plain-wasm convolutions against
  // another checkout's (whose kernels it must build the same way).
  ["bench/_conv_ab.ts", "models/_wasm_conv_kernels.ts"],
  ["bench/_conv_ab.ts", "models/_simd_wasm.ts"],
  ["bench/_conv_ab.ts", "models/_conv2d_backprop_input_wasm.ts"],
];

/** The top-level folder of a repository path; a file at the root is its own folder. */
function folderOf(path: string): string {
  const i = path.indexOf("/");
  return i < 0 ? path : path.slice(0, i);
}

/** Whether a repository path is a private file: a file or directory below its top-level folder starting with `_`. */
function isPrivate(path: string): boolean {
  const parts = path.split("/");
  return (parts.length === 1 ? parts : parts.slice(1)).some((p) => p.startsWith("_"));
}

/** Folder-level strongly connected components with more than one folder (Tarjan). */
function folderCycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/**
 * Everything wrong with a set of imports, one message per problem: cycles
 * between folders (with the imports that close them), imports of another
 * folder's private files (unless in `allowedPrivate`), and imports a folder's
 * {@link Rule} forbids. Empty when the tree keeps its shape.
 */
function treeProblems(
  edges: readonly Edge[],
  {
    rules = RULES,
    allowedPrivate = PRIVATE_IMPORTS_ALLOWED,
  }: {
    rules?: Readonly<Record<string, Rule>>;
    allowedPrivate?: readonly (readonly [string, string])[];
  } = {},
): string[] {
  const problems: string[] = [];
  const crossing = edges.filter((e) => e.kind === "file" && folderOf(e.from) !== folderOf(e.to));

  // (a) Cycles between folders.
  const graph = new Map<string, Set<string>>();
  for (const e of crossing) {
    const a = folderOf(e.from), b = folderOf(e.to);
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  for (const component of folderCycles(graph)) {
    const inside = new Set(component);
    const imports = crossing
      .filter((e) => inside.has(folderOf(e.from)) && inside.has(folderOf(e.to)))
      .map((e) => `${e.from} imports ${e.to}`)
      .sort();
    problems.push(`cycle between folders ${component.join(", ")}: ${imports.join("; ")}`);
  }

  // (b) Another folder's private files.
  const allowed = new Set(allowedPrivate.map(([from, to]) => `${from} -> ${to}`));
  for (const e of crossing) {
    if (isPrivate(e.to) && !allowed.has(`${e.from} -> ${e.to}`)) {
      problems.push(`${e.from} imports ${e.to}, a private file of ${folderOf(e.to)}/`);
    }
  }

  // (c) What each folder may import.
  for (const e of edges) {
    const folder = folderOf(e.from);
    const rule = rules[folder];
    if (!rule) continue;
    if (e.kind === "package") {
      if (rule.packages !== "any" && !rule.packages.includes(e.to)) {
        const may = rule.packages.length ? rule.packages.join(", ") : "no package";
        problems.push(`${e.from} imports the package ${e.to}; ${folder}/ may import ${may}`);
      }
      continue;
    }
    const target = folderOf(e.to);
    if (target === folder || rule.folders === "any" || rule.folders.includes(target)) continue;
    if (e.typeOnly && rule.typeOnlyFolders?.includes(target)) continue;
    const typeOnly = rule.typeOnlyFolders?.includes(target)
      ? " (only `import type` from there)"
      : "";
    problems.push(`${e.from} imports ${e.to}; ${folder}/ may not import ${target}/${typeOnly}`);
  }
  return problems;
}

interface Dependency {
  specifier: string;
  code?: { specifier?: string; error?: string };
  type?: { specifier?: string; error?: string };
}

/** The package a resolved specifier names: `npm:@a/b@1.0.0/x.json` → `@a/b`; `node:fs` stays. */
function packageOf(specifier: string): string {
  if (!specifier.startsWith("npm:")) return specifier;
  const parts = specifier.slice(4).replace(/^\//, "").split("/");
  const name = parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  return name.replace(/(?<=.)@[^/]*$/, "");
}

/**
 * The imports of `files` (absolute paths under `root`), read from one
 * `deno info --json` of a module that imports them all, with `root`'s
 * deno.json for the import map. Throws when a file is missing from the graph
 * or an import does not resolve.
 */
async function readImports(root: string, files: readonly string[]): Promise<Edge[]> {
  const tmp = await Deno.makeTempDir();
  try {
    const entry = join(tmp, "all.ts");
    await Deno.writeTextFile(
      entry,
      files.map((f) => `import ${JSON.stringify(pathToFileURL(f).href)};\n`).join(""),
    );
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "info",
        "--json",
        "--no-lock",
        "--no-npm",
        "--no-remote",
        "--config",
        join(root, "deno.json"),
        entry,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, `deno info failed: ${new TextDecoder().decode(stderr)}`);
    const graph = JSON.parse(new TextDecoder().decode(stdout)) as {
      modules: { specifier: string; error?: string; dependencies?: Dependency[] }[];
    };
    const wanted = new Set(files);
    const seen = new Set<string>();
    const edges: Edge[] = [];
    const relativePath = (url: string) => relative(root, fileURLToPath(url)).split(sep).join("/");
    for (const m of graph.modules) {
      if (!m.specifier.startsWith("file:") || !wanted.has(fileURLToPath(m.specifier))) continue;
      const from = relativePath(m.specifier);
      if (m.error) throw new Error(`Cannot read the imports of ${from}: ${m.error}`);
      seen.add(from);
      for (const dep of m.dependencies ?? []) {
        const target = dep.code?.specifier ?? dep.type?.specifier;
        if (!target) {
          const error = dep.code?.error ?? dep.type?.error ?? "unresolved";
          throw new Error(`Cannot resolve "${dep.specifier}" in ${from}: ${error}`);
        }
        const typeOnly = !dep.code;
        edges.push(
          target.startsWith("file:")
            ? { from, to: relativePath(target), kind: "file", typeOnly }
            : { from, to: packageOf(target), kind: "package", typeOnly },
        );
      }
    }
    const missing = files.map((f) => relative(root, f)).filter((f) => !seen.has(f));
    assert.deepEqual(missing, [], "files missing from the module graph");
    return edges;
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

async function sourceFiles(root: string, names: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const info = await Deno.stat(path);
    if (info.isDirectory) {
      for await (const entry of Deno.readDir(path)) {
        if (entry.name !== "node_modules") await walk(join(path, entry.name));
      }
    } else if (/\.(ts|tsx|mts|js|jsx|mjs)$/.test(path)) {
      files.push(path);
    }
  };
  for (const name of names) await walk(join(root, name));
  return files.sort();
}

Deno.test("the tree keeps its shape: no folder cycles, no private imports across folders, allowed dependencies only", async () => {
  const files = await sourceFiles(repo, SOURCES);
  assert.ok(files.length > 100, `expected the source files, found ${files.length}`);
  const edges = await readImports(repo, files);
  assert.deepEqual(treeProblems(edges), []);
  // Every allowed private import is still made (else delete it from the list).
  const made = new Set(edges.map((e) => `${e.from} -> ${e.to}`));
  const stale = PRIVATE_IMPORTS_ALLOWED.filter(([from, to]) => !made.has(`${from} -> ${to}`));
  assert.deepEqual(stale, [], "PRIVATE_IMPORTS_ALLOWED lists imports that are no longer made");
});

Deno.test("treeProblems finds cycles, private imports and forbidden dependencies", () => {
  const file = (from: string, to: string, typeOnly = false): Edge => ({
    from,
    to,
    kind: "file",
    typeOnly,
  });
  const pkg = (from: string, to: string): Edge => ({ from, to, kind: "package", typeOnly: false });
  const clean: Edge[] = [
    file("losses/elbo_terms.ts", "estimators/mss_log_qz.ts"),
    file("losses/elbo_terms.ts", "losses/_validate.ts"),
    pkg("losses/elbo_terms.ts", "@tensorflow/tfjs-core"),
    file("metrics/beta_vae_score.ts", "data/ground_truth_data.ts", true),
    file("metrics/mig.ts", "metrics/_validate.ts"),
    pkg("data/_images.ts", "pngjs"),
    file("models/train_step.ts", "losses/types.ts"),
    file("experiments/_experiments/grouped.ts", "experiments/_train/options.ts"),
    file("experiments/_train/run_training.ts", "data/permutation.ts"),
    file("mod.ts", "losses/mod.ts"),
  ];
  assert.deepEqual(treeProblems(clean), []);

  // (a) A cycle through three folders, reported with the imports that make it;
  // folders without rules, so it is the only problem.
  const cycle = [
    file("alpha/a.ts", "beta/b.ts"),
    file("beta/b.ts", "gamma/c.ts"),
    file("gamma/c.ts", "alpha/a2.ts"),
    file("gamma/c.ts", "delta/d.ts"),
  ];
  assert.deepEqual(treeProblems(cycle), [
    "cycle between folders alpha, beta, gamma: alpha/a.ts imports beta/b.ts; " +
    "beta/b.ts imports gamma/c.ts; gamma/c.ts imports alpha/a2.ts",
  ]);
  // The old losses ↔ estimators cycle.
  const old = treeProblems([
    file("losses/elbo_terms.ts", "estimators/mws_log_qz.ts"),
    file("estimators/mws_log_qz.ts", "losses/types.ts", true),
  ]);
  assert.match(old[0], /^cycle between folders estimators, losses: /);

  // (b) Private files of another folder, in a file or a directory; allowed ones pass.
  assert.deepEqual(
    treeProblems([
      file("alpha/a.ts", "beta/_b.ts"),
      file("alpha/a.ts", "beta/_sub/b.ts"),
      file("alpha/_a.ts", "alpha/_b.ts"),
      file("alpha/a.ts", "beta/b.ts"),
    ]),
    [
      "alpha/a.ts imports beta/_b.ts, a private file of beta/",
      "alpha/a.ts imports beta/_sub/b.ts, a private file of beta/",
    ],
  );
  assert.deepEqual(
    treeProblems([file("alpha/a.ts", "beta/_b.ts")], {
      allowedPrivate: [["alpha/a.ts", "beta/_b.ts"]],
    }),
    [],
  );

  // (c) The rules of the core folders.
  assert.deepEqual(
    treeProblems([
      file("estimators/a.ts", "losses/types.ts", true),
      pkg("estimators/a.ts", "@tensorflow/tfjs"),
      pkg("losses/a.ts", "node:fs"),
      file("losses/a.ts", "models/b.ts"),
      file("metrics/a.ts", "data/ground_truth_data.ts"),
      pkg("metrics/a.ts", "@tensorflow/tfjs-core"),
      file("data/a.ts", "models/b.ts"),
      file("models/a.ts", "experiments/b.ts"),
    ]),
    [
      "estimators/a.ts imports losses/types.ts; estimators/ may not import losses/",
      "estimators/a.ts imports the package @tensorflow/tfjs; estimators/ may import @tensorflow/tfjs-core",
      "losses/a.ts imports the package node:fs; losses/ may import @tensorflow/tfjs-core",
      "losses/a.ts imports models/b.ts; losses/ may not import models/",
      "metrics/a.ts imports data/ground_truth_data.ts; metrics/ may not import data/ (only `import type` from there)",
      "metrics/a.ts imports the package @tensorflow/tfjs-core; metrics/ may import no package",
      "data/a.ts imports models/b.ts; data/ may not import models/",
      "models/a.ts imports experiments/b.ts; models/ may not import experiments/",
    ],
  );
});

Deno.test("readImports reads code imports only, with re-exports, dynamic and type-only imports", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(root, "deno.json"),
      JSON.stringify({ imports: { "@tensorflow/tfjs-core": "npm:@tensorflow/tfjs-core@4.22.0" } }),
    );
    for (const dir of ["data", "losses", "metrics"]) await Deno.mkdir(join(root, dir));
    await Deno.writeTextFile(join(root, "data", "types.ts"), "export type T = number;\n");
    await Deno.writeTextFile(join(root, "data", "dyn.ts"), "export const d = 1;\n");
    await Deno.writeTextFile(join(root, "losses", "_x.ts"), "export const x = 1;\n");
    await Deno.writeTextFile(
      join(root, "metrics", "m.ts"),
      [
        "/**",
        " * ```ts",
        ' * import { y } from "../data/not_there.ts";',
        " * ```",
        " */",
        '// import * as tf from "@tensorflow/tfjs";',
        'import type { T } from "../data/types.ts";',
        "import {",
        "  x,",
        '} from "../losses/_x.ts";',
        'export { x as z } from "../losses/_x.ts";',
        'import * as tf from "@tensorflow/tfjs-core";',
        "export const s: string = \"import w from '../data/nope.ts'\";",
        'export const f = () => import("../data/dyn.ts");',
        "export const t: T = x;",
        "export const all = [tf];",
      ].join("\n"),
    );
    const files = ["data/types.ts", "data/dyn.ts", "losses/_x.ts", "metrics/m.ts"];
    const edges = await readImports(root, files.map((f) => join(root, f)));
    const fromM = edges.filter((e) => e.from === "metrics/m.ts").sort((a, b) =>
      a.to.localeCompare(b.to)
    );
    assert.deepEqual(fromM, [
      { from: "metrics/m.ts", to: "@tensorflow/tfjs-core", kind: "package", typeOnly: false },
      { from: "metrics/m.ts", to: "data/dyn.ts", kind: "file", typeOnly: false },
      { from: "metrics/m.ts", to: "data/types.ts", kind: "file", typeOnly: true },
      { from: "metrics/m.ts", to: "losses/_x.ts", kind: "file", typeOnly: false },
    ]);
    assert.deepEqual(treeProblems(edges).sort(), [
      "metrics/m.ts imports data/dyn.ts; metrics/ may not import data/ (only `import type` from there)",
      "metrics/m.ts imports losses/_x.ts, a private file of losses/",
      "metrics/m.ts imports losses/_x.ts; metrics/ may not import losses/",
      "metrics/m.ts imports the package @tensorflow/tfjs-core; metrics/ may import no package",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("fast-check (the readers' fuzzing) stays out of the published code: only bench/ and tests/ import it", async () => {
  const files = await sourceFiles(repo, SOURCES);
  const edges = await readImports(repo, files);
  const users = edges.filter((e) => e.kind === "package" && e.to === "fast-check")
    .map((e) => e.from);
  assert.ok(users.includes("bench/fuzz_readers.ts"), `fast-check users: ${users.join(", ")}`);
  assert.deepEqual(users.filter((f) => !f.startsWith("bench/")), []);
});
