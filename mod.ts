/**
 * Root.
 *
 * @module
 */
export * from "./data/mod.ts";
