/**
 * `deno task explore RUN_FOLDER`: serves, on 127.0.0.1, a page that runs the
 * run's trained VAE with TensorFlow.js in the browser (WebGL, else WASM, else
 * CPU): a slider per latent dimension ordered by KL with inactive ones marked,
 * the decoded image live, a traversal grid, data images to start from, and the
 * run's metrics and loss curves. `--out DIR` writes the same page as static
 * files instead. The tfjs bundles come from the npm packages (no CDN).
 * `--help` lists the options.
 *
 * @module
 */
import { CliError } from "./_train/cli_error.ts";
import { buildSite } from "./_explore/build_site.ts";
import { exploreHelp, parseExploreArgs } from "./_explore/options.ts";
import { serveSite } from "./_explore/serve_site.ts";
import { writeSite } from "./_explore/write_site.ts";

if (import.meta.main) {
  try {
    const config = parseExploreArgs(Deno.args);
    if (config.help) {
      console.log(exploreHelp());
      Deno.exit(0);
    }
    const site = await buildSite(config.run, { samples: config.samples, seed: config.seed });
    for (const w of site.warnings) console.error(`warning: ${w}`);
    const { latentDim, inputShape } = site.data.model;
    const what = `${site.run.name} (${latentDim} latent dims, [${inputShape}] images, ${
      site.data.picks ? `${site.data.picks.indices.length} data images` : "no data images"
    })`;
    if (config.out !== "") {
      const bytes = await writeSite(site.files, config.out);
      console.log(
        `wrote the explorer for ${what} to ${config.out} (${site.files.size} files, ${
          (bytes / 1e6).toFixed(1)
        } MB); host the folder with any static web server`,
      );
    } else {
      const { server, url } = serveSite(site.files, config.port);
      console.log(`explorer for ${what} at ${url}`);
      console.log("press Ctrl-C to stop");
      const stop = () => server.shutdown();
      Deno.addSignalListener("SIGINT", stop);
      if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
      await server.finished;
    }
  } catch (e) {
    if (e instanceof CliError) {
      console.error(`error: ${e.message}`);
      Deno.exit(1);
    }
    throw e;
  }
}
