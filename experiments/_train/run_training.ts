// The training run behind `deno task train`, in four parts a reader can take
// in order: the run folder (new, or resumed with the same options), the
// set-up (backend, data split, model), the training loop (logged, validated,
// checkpointed), and the finish (model, pictures, metrics, summary).
import { finishRun } from "./finish_run.ts";
import type { TrainConfig } from "./options.ts";
import { prepareRunFolder } from "./run_folder.ts";
import { setUpRun } from "./set_up_run.ts";
import { trainLoop } from "./train_loop.ts";
import type { RunIo, RunSetup, RunSummary } from "./types.ts";

export type { RunIo, RunSummary } from "./types.ts";

/** Runs (or resumes) one training run as configured; throws CliError for user mistakes. */
export async function runTraining(config: TrainConfig, io: RunIo): Promise<RunSummary> {
  const folder = await prepareRunFolder(config);
  const setup = await setUpRun(config, folder, io);
  try {
    const outcome = await trainLoop(config, folder, setup, io);
    return await finishRun(config, folder, setup, outcome, io);
  } finally {
    // A study trains many runs in one process: each frees its model and
    // optimiser state, finished or failed, or the wasm heap (4 GiB at most)
    // fills with them (162 MiB a run for the Locatello MLP).
    disposeSetup(setup);
  }
}

/** Frees the tensors a run set up: the VAE, its optimiser, the objective's state. */
function disposeSetup(setup: RunSetup): void {
  // A data set read lazily from a file (Shapes3D, MPI3D) holds it open.
  (setup.dataset as { close?: () => void }).close?.();
  setup.vae.encoder.dispose();
  setup.vae.decoder.dispose();
  setup.optimizer.dispose();
  const discriminator = setup.objectiveState.discriminator;
  if (discriminator !== undefined) {
    discriminator.model.dispose();
    discriminator.optimizer.dispose();
  }
}
