// The claim in force on one run of a study, as --plan and the coordinator see it.
import { type ClaimView, generations, type StaleOptions, viewClaim } from "./_claim_files.ts";

/**
 * The highest-generation claim on run `id` in the claims folder `dir`, or
 * null when the run was never claimed.
 */
export async function readClaim(
  dir: string,
  id: string,
  options: StaleOptions,
): Promise<ClaimView | null> {
  for (const generation of await generations(dir, id)) {
    const view = await viewClaim(dir, id, generation, options);
    if (view !== null) return view;
  }
  return null;
}
