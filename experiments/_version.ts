// The library's version as deno.json gives it, for the records runs and
// experiments leave behind (config.json, summary.json, experiment.json).
import denoJson from "../deno.json" with { type: "json" };

/** The version of `@disentangle/vae` in deno.json, e.g. "0.1.0". */
export const VERSION: string = denoJson.version;
