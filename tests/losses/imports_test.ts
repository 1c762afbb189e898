// losses/ and estimators/ are the published tensor core: they may import
// tfjs-core and each other, nothing else (not the 300 MB union package).
const ALLOWED = /^(\.\.?\/|@tensorflow\/tfjs-core$)/;

Deno.test("losses/ and estimators/ import only tfjs-core and each other", async () => {
  const bad: string[] = [];
  for (const folder of ["losses", "estimators"]) {
    const dir = new URL(`../../${folder}/`, import.meta.url);
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.name.endsWith(".ts")) continue;
      const source = await Deno.readTextFile(new URL(entry.name, dir));
      // Code lines only: documentation examples (" * import ...") may use anything.
      for (const m of source.matchAll(/^(?:import|export)[^"';]*?from\s+["']([^"']+)["']/gm)) {
        if (!ALLOWED.test(m[1])) bad.push(`${folder}/${entry.name} imports ${m[1]}`);
      }
      for (const m of source.matchAll(/^import\s+["']([^"']+)["']/gm)) {
        if (!ALLOWED.test(m[1])) bad.push(`${folder}/${entry.name} imports ${m[1]}`);
      }
    }
  }
  if (bad.length > 0) throw new Error(bad.join("\n"));
});
