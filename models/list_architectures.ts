import { ARCHITECTURE_TABLE } from "./_architectures.ts";

/** One entry of {@link listArchitectures}. */
export interface ArchitectureListing {
  /** The name {@link buildVae} accepts, e.g. `"burgess"`. */
  name: string;
  /** One line saying what the layers are and where they come from. */
  description: string;
  /** Input shape [H, W, C] used when `buildVae` is given none. */
  defaultInputShape: [number, number, number];
  /** Height and width must be multiples of this (the product of the conv strides). */
  totalStride: number;
}

/**
 * Lists the architectures {@link buildVae} can build, so a command line can
 * validate a name and show the choices.
 *
 * @returns one entry per architecture, in a fixed order.
 *
 * @example
 * ```ts
 * import { listArchitectures } from "@disentangle/vae/models";
 * import assert from "node:assert/strict";
 *
 * const names = listArchitectures().map((a) => a.name);
 * assert.deepEqual(names, ["burgess", "locatello-mlp", "seed000-conv", "mnist-mlp"]);
 * ```
 */
export function listArchitectures(): ArchitectureListing[] {
  return Object.entries(ARCHITECTURE_TABLE).map(([name, info]) => ({
    name,
    description: info.description,
    defaultInputShape: [...info.defaultInputShape],
    totalStride: info.totalStride,
  }));
}
