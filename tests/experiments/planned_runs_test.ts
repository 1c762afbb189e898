// Every experiment plans exactly the runs it planned before its plan was
// reshaped: the same ids, labels and trainer configurations, for the quick and
// paper presets and for the quick preset with command-line overrides.
//
// planned_runs.json was written by the plans as they stood before the shared
// plan helpers existed. Per experiment and case it holds the configuration
// fields every run shares (`shared`) and, per run, the fields that differ.
// A change of the trainer's own defaults (experiments/_train/options.ts) shows
// up here as well: every planned run starts from them. Since the objective
// registry a run holds only the options its objective reads (a β-VAE run no
// α, γ, capacity or group sizes): the fixture lost those keys and nothing else.
import assert from "node:assert/strict";
import { EXPERIMENTS } from "../../experiments/_experiments/registry.ts";
import type { PresetName, RunOverrides } from "../../experiments/_experiments/types.ts";
import { parseTrainArgs } from "../../experiments/_train/options.ts";
import fixture from "./planned_runs.json" with { type: "json" };

interface PinnedRun {
  id: string;
  labels: Record<string, unknown>;
  config: Record<string, unknown>;
}

interface PinnedExperiment {
  shared: Record<string, unknown>;
  runs: PinnedRun[];
  /**
   * When set, each pinned run stands for its configuration's runs of seeds
   * 1..seeds, in that order: id `<id>_s<seed>`, the seed in its labels and
   * config, the id as its name (the study's 1 800 paper runs stay readable).
   */
  seeds?: number;
}

/** The runs a pinned experiment stands for. */
function pinnedRuns(pinned: PinnedExperiment): PinnedRun[] {
  const { seeds } = pinned;
  if (seeds === undefined) return pinned.runs;
  return pinned.runs.flatMap((r) =>
    Array.from({ length: seeds }, (_, i) => {
      const id = `${r.id}_s${i + 1}`;
      return {
        id,
        labels: { ...r.labels, seed: i + 1 },
        config: { ...r.config, seed: i + 1, name: id },
      };
    })
  );
}

const cases = fixture.cases as unknown as {
  preset: PresetName;
  overrides: RunOverrides;
  experiments: Record<string, PinnedExperiment>;
}[];

// Where the configurations put their runs: the fixture was made with this folder.
const dirOf = (name: string, preset: PresetName) => `/experiments/${name}-${preset}`;

Deno.test("the fixture covers every experiment in every case", () => {
  for (const c of cases) assert.deepEqual(Object.keys(c.experiments), Object.keys(EXPERIMENTS));
});

for (const c of cases) {
  const what = `${c.preset}${
    Object.keys(c.overrides).length ? ` with ${JSON.stringify(c.overrides)}` : ""
  }`;
  for (const [name, pinned] of Object.entries(c.experiments)) {
    Deno.test(`${name} (${what}) plans the runs it planned before`, async () => {
      const definition = EXPERIMENTS[name];
      const plan = await definition.plan(definition.presets[c.preset], {
        dir: dirOf(name, c.preset),
        preset: c.preset,
        overrides: c.overrides,
        log: () => {},
      });
      const runs = pinnedRuns(pinned);
      assert.deepEqual(plan.map((r) => r.id), runs.map((r) => r.id));
      plan.forEach((run, i) => {
        // The trainer writes config.json in this order, with the options of the run's
        // objective only: keep it.
        const keys = Object.keys(parseTrainArgs(["--objective", run.config.objective]));
        const expected = runs[i];
        assert.deepEqual(run.labels, expected.labels, `labels of ${run.id}`);
        assert.deepEqual(
          run.config,
          { ...pinned.shared, ...expected.config },
          `configuration of ${run.id}`,
        );
        assert.deepEqual(Object.keys(run.config), keys, `option order of ${run.id}`);
      });
    });
  }
}
