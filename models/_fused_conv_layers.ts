/**
 * Convolution layers with a ReLU that run as one fused kernel while training
 * too. tfjs's `fused.conv2d` fuses bias and activation only outside a
 * gradient tape (or for a linear activation): under the tape, a Conv2D layer
 * with ReLU runs as Conv2D, Add and Relu, three passes over its output. The
 * layers patched here compute the same function as one `FusedConv2D` kernel
 * (bias and ReLU applied as the output is written) with a custom gradient:
 * the ReLU mask comes from the output, since y = max(z, 0) > 0 exactly where
 * z > 0, and the rest is the gradient tfjs's own fused op uses for linear
 * activations (tfjs-core's fused conv2d).
 *
 * Each patched layer keeps its class, configuration and weights, so saved
 * models are unchanged and load anywhere.
 */
import * as tf from "@tensorflow/tfjs";
import { RELU_GRAD_KERNEL } from "./_elementwise_wasm.ts";

type Pad = "same" | "valid";

/** What a tfjs-layers Conv2D layer holds that this reads (tfjs-layers 4.22). */
interface ConvLayer {
  getClassName(): string;
  getConfig(): tf.serialization.ConfigDict;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: unknown): tf.Tensor | tf.Tensor[];
  kernel?: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
}

/** dy where y > 0: the library's fused kernel where registered, else tfjs's formula. */
function reluMask(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) !== undefined
    ? tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x: y }) as tf.Tensor
    : tf.mul(dy, tf.cast(tf.step(y), "float32"));
}

/** relu(conv(x, W) + b), NHWC, undilated, as one kernel with its gradient. */
function conv2dBiasRelu(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  strides: [number, number],
  pad: Pad,
): tf.Tensor4D {
  const op = tf.customGrad((xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = tf.engine().runKernel("FusedConv2D", { x: xs, filter: ws, bias: bs }, {
      strides,
      pad,
      dataFormat: "NHWC",
      dilations: [1, 1],
      activation: "relu",
    }) as tf.Tensor4D;
    save([xs, ws, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        const g = reluMask(dy as tf.Tensor, sy) as tf.Tensor4D;
        const dx = tf.engine().runKernel("Conv2DBackpropInput", { dy: g, filter: sw }, {
          strides,
          pad,
          dataFormat: "NHWC",
          inputShape: sx.shape,
        }) as tf.Tensor;
        const dw = tf.engine().runKernel("Conv2DBackpropFilter", { x: sx, dy: g }, {
          strides,
          pad,
          dataFormat: "NHWC",
          filterShape: sw.shape,
        }) as tf.Tensor;
        return [dx, dw, tf.sum(g, [0, 1, 2])];
      },
    };
  });
  return op(x, filter, bias) as tf.Tensor4D;
}

/** The Conv2D layers this patches: ReLU, a bias, channels last, undilated, same/valid. */
function fusable(layer: ConvLayer): boolean {
  if (layer.getClassName() !== "Conv2D") return false;
  const c = layer.getConfig();
  const pair = (v: unknown) => Array.isArray(v) ? v : [v, v];
  const dil = pair(c.dilationRate ?? 1);
  return c.activation === "relu" && c.useBias === true && c.dataFormat === "channelsLast" &&
    dil[0] === 1 && dil[1] === 1 && (c.padding === "same" || c.padding === "valid");
}

/**
 * Patches every Conv2D layer with a ReLU of `model` to run as one fused
 * kernel with a custom gradient (see the module notes). Returns the names of
 * the layers patched; patching twice does nothing more.
 */
export function fuseConvLayers(model: tf.LayersModel): string[] {
  const names: string[] = [];
  for (const l of model.layers) {
    const layer = l as unknown as ConvLayer & { __fused?: boolean; name: string };
    if (!fusable(layer)) continue;
    names.push(layer.name);
    if (layer.__fused) continue;
    const c = layer.getConfig();
    const s = Array.isArray(c.strides) ? c.strides as number[] : [c.strides, c.strides];
    const strides: [number, number] = [Number(s[0]), Number(s[1])];
    const pad = c.padding as Pad;
    layer.call = (inputs) =>
      tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
        return conv2dBiasRelu(
          x,
          layer.kernel!.read() as tf.Tensor4D,
          layer.bias!.read() as tf.Tensor1D,
          strides,
          pad,
        );
      });
    layer.__fused = true;
  }
  return names;
}
