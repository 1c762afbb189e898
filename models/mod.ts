/**
 * Models: encoder/decoder builders for the architectures of the disentanglement
 * literature, backend selection, and what makes tfjs's wasm backend complete
 * and fast for training.
 *
 * - {@link buildVae} builds `{ encoder, decoder }` as two `tf.LayersModel`s:
 *   the encoder maps [B, H, W, C] to [B, 2·latentDim] (μ then log σ²), the
 *   decoder maps [B, latentDim] to logits [B, H, W, C].
 *   {@link listArchitectures} names the choices ("burgess", "locatello-mlp",
 *   "seed000-conv", "mnist-mlp").
 * - {@link useBackend} selects "wasm" (default), "cpu", "webgpu", "tensorflow"
 *   or "tensorflow-gpu", loading each backend package only when asked for and
 *   falling back (or throwing) with one line of advice when it is unavailable.
 * - {@link trainStep} trains with any objective of {@link listObjectives}
 *   (β-VAE, β-TCVAE, AnnealedVAE, FactorVAE, DIP-VAE-I/II, Grouped-VAE);
 *   FactorVAE's discriminator comes from {@link buildObjectiveState}.
 * - {@link registerWasmTrainingKernels} adds the wasm kernels training needs
 *   (conv filter and input gradients, transposed matmuls) built on XNNPACK;
 *   {@link fusedAdam} is Adam with one fused pass per variable on wasm.
 *
 * @example
 * ```ts
 * import { buildVae, fusedAdam, useBackend } from "@disentangle/vae/models";
 * import * as tf from "@tensorflow/tfjs";
 * import assert from "node:assert/strict";
 *
 * await useBackend("wasm");
 * const { encoder, decoder } = buildVae("burgess", { inputShape: [32, 32, 1], latentDim: 4 });
 * const x = tf.zeros([2, 32, 32, 1]);
 * const optimizer = fusedAdam({ learningRate: 1e-3 });
 * optimizer.minimize(() =>
 *   tf.tidy(() => {
 *     const stats = encoder.apply(x) as tf.Tensor2D;
 *     const logits = decoder.apply(tf.slice(stats, [0, 0], [-1, 4])) as tf.Tensor;
 *     return tf.mean(tf.sub(tf.softplus(logits), tf.mul(x, logits)));
 *   }) as tf.Scalar
 * );
 * assert.equal(tf.getBackend(), "wasm");
 * tf.dispose(x);
 * optimizer.dispose();
 * await useBackend("cpu");
 * ```
 *
 * @module
 */
export { buildVae, type BuildVaeOptions, type LayersModel, type Vae } from "./build_vae.ts";
export { type ArchitectureListing, listArchitectures } from "./list_architectures.ts";
export { registerWasmTrainingKernels } from "./register_wasm_training_kernels.ts";
export { type AdamOptimizer, fusedAdam, type FusedAdamOptions } from "./fused_adam.ts";
export {
  BACKEND_NAMES,
  type BackendName,
  type BackendSelection,
  useBackend,
  type UseBackendOptions,
} from "./use_backend.ts";
export {
  type ObjectiveName,
  type ObjectiveOptions,
  type ObjectiveState,
  type StepReport,
  type TrainState,
  trainStep,
  type TrainStepOptions,
} from "./train_step.ts";
export {
  type HyperparameterListing,
  type HyperparameterName,
  listObjectives,
  type ObjectiveListing,
} from "./list_objectives.ts";
export {
  buildDiscriminator,
  type BuildDiscriminatorOptions,
  type Discriminator,
} from "./build_discriminator.ts";
export { buildObjectiveState, type BuildObjectiveStateOptions } from "./build_objective_state.ts";
export { NonFiniteLossError } from "./non_finite_loss_error.ts";
export { evaluateBatch, type EvaluateBatchOptions } from "./evaluate_batch.ts";
export {
  type EncodedObservations,
  encodeObservations,
  type EncodeObservationsOptions,
} from "./encode_observations.ts";
export { saveVae, type SaveVaeOptions } from "./save_vae.ts";
export { type LoadedVae, loadVae } from "./load_vae.ts";
export { saveCheckpoint, type SaveCheckpointOptions } from "./save_checkpoint.ts";
export { loadCheckpoint, type LoadedCheckpoint } from "./load_checkpoint.ts";
export { recoverCheckpoint } from "./recover_checkpoint.ts";
