import assert from "node:assert/strict";
import { join } from "node:path";
import { trimLog } from "../../experiments/_train/trim_log.ts";

Deno.test("trimLog keeps the records up to the checkpoint and drops a line cut short", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "log.jsonl");
  try {
    const records = [
      { step: 2, train: { loss: 3 } },
      { step: 4, train: { loss: 2 } },
      { step: 4, validation: { loss: 2.5 } },
      { step: 6, train: { loss: 1 } },
    ];
    await Deno.writeTextFile(
      path,
      records.map((r) => JSON.stringify(r) + "\n").join("") + '{"step":8,"tr',
    );
    assert.equal(await trimLog(path, 4), 2);
    const kept = (await Deno.readTextFile(path)).split("\n");
    assert.deepEqual(kept, [...records.slice(0, 3).map((r) => JSON.stringify(r)), ""]);
    // Nothing past the step: the file is left as it is.
    const before = await Deno.readTextFile(path);
    assert.equal(await trimLog(path, 4), 0);
    assert.equal(await Deno.readTextFile(path), before);
    // No log yet (a checkpoint written before the first logged step).
    assert.equal(await trimLog(join(dir, "missing.jsonl"), 4), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
