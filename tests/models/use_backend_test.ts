import { tf } from "../_helpers/tf.ts";
import { assertRejectsWith } from "../_helpers/assert.ts";
import { BACKEND_NAMES, useBackend } from "../../models/use_backend.ts";
import assert from "node:assert/strict";

Deno.test("useBackend('wasm') selects wasm with the training kernels registered", async () => {
  const chosen = await useBackend("wasm");
  const {
    threads,
    summary,
    native,
    nativeReason: _,
    convolutions,
    convolutionsReason: __,
    simdHelper,
    wasmMatMul,
    wasmConv,
    ...rest
  } = chosen;
  assert.ok(
    summary.startsWith(`wasm (XNNPACK SIMD, ${threads} thread${threads === 1 ? "" : "s"})`),
    summary,
  );
  assert.match(
    summary,
    native !== null
      ? / for matrix products/
      : wasmMatMul
      ? /; matrix products on the library's SIMD kernel \((fused multiply-add|multiply then add); .+?\)/
      : /; matrix products on XNNPACK \(.+?\)/,
  );
  assert.ok(!(wasmMatMul && native !== null), "one of the two products");
  assert.match(
    summary,
    convolutions !== null
      ? /oneDNN .* for convolutions(;|$)/
      : wasmConv
      ? /; convolutions on the library's SIMD kernel \((fused multiply-add|multiply then add); .+\)(;|$)/
      : /; convolutions on XNNPACK \(.+\)(;|$)/,
  );
  // The helper thread is said last, exactly when it runs.
  assert.equal(typeof simdHelper, "boolean");
  assert.equal(summary.endsWith("; SIMD passes split with a helper thread"), simdHelper, summary);
  assert.deepEqual(rest, { requested: "wasm", active: "wasm", fellBack: false });
  assert.ok(Number.isInteger(threads) && threads >= 1 && threads <= 4, `threads ${threads}`);
  assert.equal(tf.getBackend(), "wasm");
  assert.ok(tf.getKernel("Conv2DBackpropFilter", "wasm"), "filter gradient kernel registered");
  await useBackend("cpu");
  assert.equal(tf.getBackend(), "cpu");
});

Deno.test("an unknown backend name is a RangeError listing the valid ones", async () => {
  await assertRejectsWith(
    () => useBackend("cuda"),
    RangeError,
    /^Cannot use backend "cuda": unknown name; valid ones are "wasm", "cpu", "webgpu", "tensorflow", "tensorflow-gpu"$/,
  );
  assert.deepEqual([...BACKEND_NAMES], ["wasm", "cpu", "webgpu", "tensorflow", "tensorflow-gpu"]);
});

// The native backends are not installed on the build machines: these check the advice.
const nativeInstalled = await (async () => {
  try {
    await useBackend("tensorflow");
    return true;
  } catch {
    return false;
  } finally {
    await useBackend("cpu");
  }
})();

Deno.test({
  name: "a missing native backend throws one line saying what to install and how",
  ignore: nativeInstalled,
  fn: async () => {
    for (const name of ["tensorflow", "tensorflow-gpu"]) {
      let message = "";
      try {
        await useBackend(name);
      } catch (e) {
        assert.ok(e instanceof Error);
        message = e.message;
      }
      assert.match(message, new RegExp(`^Cannot use backend "${name}": `));
      assert.ok(!message.includes("\n"), "one line");
      assert.match(
        message,
        name === "tensorflow" ? /tfjs-node@4\.22\.0/ : /tfjs-node-gpu@4\.22\.0/,
      );
      assert.match(message, /--allow-ffi/);
      assert.match(message, /nodeModulesDir/);
      if (name === "tensorflow-gpu") assert.match(message, /CUDA 11\.2 and cuDNN 8\.1/);
      assert.equal(tf.getBackend(), "cpu", "the backend is unchanged after a refusal");
    }
  },
});

Deno.test({
  name: "with fallback, a missing native backend warns once and uses wasm",
  ignore: nativeInstalled,
  fn: async () => {
    const lines: string[] = [];
    const chosen = await useBackend("tensorflow-gpu", {
      fallback: true,
      warn: (l) => lines.push(l),
    });
    const {
      threads: _,
      summary: __,
      native: ___,
      nativeReason: ____,
      convolutions: _____,
      convolutionsReason: ______,
      simdHelper: _______,
      wasmMatMul: ________,
      wasmConv: _________,
      ...rest
    } = chosen;
    assert.deepEqual(rest, { requested: "tensorflow-gpu", active: "wasm", fellBack: true });
    assert.equal(lines.length, 1);
    assert.match(
      lines[0],
      /^warning: Cannot use backend "tensorflow-gpu": .* Using the wasm backend instead\.$/,
    );
    assert.equal(tf.getBackend(), "wasm");
    await useBackend("cpu");
  },
});

Deno.test("useBackend('webgpu') works where an adapter exists and explains itself where not", async () => {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  if (adapter) {
    const chosen = await useBackend("webgpu");
    assert.equal(chosen.active, "webgpu");
    const sum = tf.tidy(() => tf.sum(tf.matMul(tf.ones([3, 4]), tf.ones([4, 2]))));
    assert.equal((await sum.data())[0], 24);
    sum.dispose();
  } else {
    await assertRejectsWith(() => useBackend("webgpu"), Error, /^Cannot use backend "webgpu": /);
  }
  await useBackend("cpu");
});
