import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { constantSchedule, cyclicalSchedule, linearSchedule } from "../../losses/mod.ts";

Deno.test("linearSchedule holds, ramps and holds", () => {
  const s = linearSchedule({ from: 1, to: 5, steps: 4, delay: 10 });
  assertClose([0, 10, 11, 12, 14, 100].map(s), [1, 1, 2, 3, 5, 5]);
  const jump = linearSchedule({ from: 0, to: 2, steps: 0, delay: 3 });
  assertClose([2, 3, 4].map(jump), [0, 0, 2]);
  const down = linearSchedule({ from: 10, to: 0, steps: 10 });
  assertClose(down(2.5), 7.5);
});

Deno.test("cyclicalSchedule repeats its ramp and holds after the last cycle", () => {
  const s = cyclicalSchedule({ period: 10, from: 0, to: 2, rampFraction: 0.4, cycles: 2 });
  assertClose([0, 2, 4, 9, 10, 12, 19, 20, 25, 1000].map(s), [0, 1, 2, 2, 0, 1, 2, 2, 2, 2]);
  const always = cyclicalSchedule({ period: 5, rampFraction: 0, to: 3 });
  assertClose([0, 1, 5].map(always), [3, 3, 3]);
});

Deno.test("constantSchedule is constant", () => {
  assertClose([0, 1, 1e9].map(constantSchedule(0.25)), [0.25, 0.25, 0.25]);
});

Deno.test("schedules reject bad options and bad steps", () => {
  assertThrowsWith(
    () => linearSchedule({ steps: -1 }),
    RangeError,
    /Cannot create the linear schedule: options\.steps must be a finite number ≥ 0, got -1/,
  );
  assertThrowsWith(
    () => linearSchedule({ to: NaN }),
    RangeError,
    /options\.to must be a finite number, got NaN/,
  );
  assertThrowsWith(
    () => linearSchedule()(-3),
    RangeError,
    /Cannot evaluate the linear schedule: step must be a finite number ≥ 0, got -3/,
  );
  assertThrowsWith(
    () => cyclicalSchedule({ rampFraction: 1.5 }),
    RangeError,
    /options\.rampFraction must be ≤ 1, got 1\.5/,
  );
  assertThrowsWith(() => cyclicalSchedule({ period: 0 }), RangeError, /options\.period/);
  assertThrowsWith(
    () => cyclicalSchedule({ cycles: 0 }),
    RangeError,
    /options\.cycles must be ≥ 1/,
  );
  assertThrowsWith(() => cyclicalSchedule()(NaN), RangeError, /step must be a finite number/);
  assertThrowsWith(() => constantSchedule(Infinity), RangeError, /value must be a finite number/);
});
