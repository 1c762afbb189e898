// A run's final model for the length of one callback: loaded from the run's
// model/ folder and disposed afterwards, also when the callback throws.
import { join } from "node:path";
import { type LoadedVae, loadVae } from "../../models/load_vae.ts";

/**
 * Loads the final model of the run in `runDir`, hands it to `use` and
 * disposes its encoder and decoder when `use` settles, whether it returns or
 * throws; returns what `use` returns.
 */
export async function withModel<T>(
  runDir: string,
  use: (model: LoadedVae) => T | Promise<T>,
): Promise<T> {
  const model = await loadVae(join(runDir, "model"));
  try {
    return await use(model);
  } finally {
    model.encoder.dispose();
    model.decoder.dispose();
  }
}
