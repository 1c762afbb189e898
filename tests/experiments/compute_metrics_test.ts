// computeMetrics keeps every headline score a finite number: one that comes
// out infinite (the Gaussian total correlation of fewer codes than
// dimensions) is left out of the scores with the reason in the metric's notes
// and the log, so a summary never holds a null that says nothing.
import assert from "node:assert/strict";
import { computeMetrics } from "../../experiments/_train/compute_metrics.ts";
import { formatTable } from "../../experiments/_score/format_table.ts";

function codes(n: number, d: number): number[][] {
  let s = 7;
  const next = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: n }, () => Array.from({ length: d }, next));
}

Deno.test("computeMetrics: an infinite score is left out of the scores, with the reason", async () => {
  const lines: string[] = [];
  const few = await computeMetrics({ codes: { codes: codes(6, 8) } }, {
    seed: 0,
    log: (line) => lines.push(line),
    metrics: ["unsupervised"],
  });
  assert.equal(few.scores.gaussianTotalCorrelation, undefined);
  assert.equal(typeof few.scores.mutualInfoScore, "number");
  const outcome = few.details.unsupervised;
  assert.ok("result" in outcome);
  const note = outcome.notes?.gaussianTotalCorrelation ?? "";
  assert.match(
    note,
    /^gaussianTotalCorrelation is Infinity \(the covariance of 6 codes with 8 varying dimensions is singular: it needs more samples than dimensions\), so it is left out of the scores$/,
  );
  assert.deepEqual(lines, [`metric ${note}`]);
  assert.doesNotMatch(JSON.stringify(few.scores), /null/);
  // `deno task score` prints it under "left out".
  const table = formatTable(
    {
      rows: 6,
      codeDims: 8,
      factorCount: 0,
      split: { train: 4, test: 2, kind: "random" },
      scores: few.scores,
      details: few.details,
      notComputed: {},
    } as unknown as Parameters<typeof formatTable>[0],
  );
  assert.ok(table.includes("\nleft out:\n  gaussianTotalCorrelation is Infinity ("), table);

  // A dimension that is the sum of two others: singular with enough samples too.
  const dependent = codes(50, 3).map(([a, b, c]) => [a, b, c, a + b]);
  const sum = await computeMetrics({ codes: { codes: dependent } }, {
    seed: 0,
    log: () => {},
    metrics: ["unsupervised"],
  });
  const d = sum.details.unsupervised;
  assert.ok("result" in d);
  assert.match(d.notes?.gaussianTotalCorrelation ?? "", /a code dimension is a linear combination/);

  // Enough independent codes: a finite score and no notes.
  const many = await computeMetrics({ codes: { codes: codes(200, 3) } }, {
    seed: 0,
    log: () => {},
    metrics: ["unsupervised"],
  });
  assert.equal(typeof many.scores.gaussianTotalCorrelation, "number");
  assert.ok(!("notes" in many.details.unsupervised));
});
