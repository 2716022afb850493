import type { LayersModel } from '@tensorflow/tfjs';
import type { MatrixMode } from '../text/matrix.js';

/** The activations the sparse path computes; each matches the TensorFlow.js function of that name. */
export const SPARSE_ACTIVATIONS = ['relu', 'linear', 'softmax', 'sigmoid', 'tanh'] as const;
export type SparseActivation = (typeof SPARSE_ACTIVATIONS)[number];

/** One Dense layer, copied out of TensorFlow.js into plain typed arrays. */
export interface DenseWeights {
  name: string;
  inputs: number;
  units: number;
  /** [inputs, units] row-major, as tfjs stores it: row i holds the weights of input i. */
  kernel: Float32Array;
  /** Zeros when the layer has no bias, so the forward pass has one code path. */
  bias: Float32Array;
  activation: SparseActivation;
}

export type DenseStack = { eligible: true; layers: DenseWeights[] } | { eligible: false; reason: string };

const SUPPORTED = `Dense layers (activations ${SPARSE_ACTIVATIONS.join(', ')}) with Dropout layers between them`;

function isSparseActivation(name: unknown): name is SparseActivation {
  return (SPARSE_ACTIVATIONS as readonly unknown[]).includes(name);
}

function allFinite(values: Float32Array): boolean {
  // A plain loop: every(Number.isFinite) costs a call per weight, ~10 ms at each worker start.
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

function refuse(reason: string): DenseStack {
  return { eligible: false, reason };
}

/**
 * Copies the weights of a Sequential stack of Dense layers out of TensorFlow.js, once, at load,
 * or says in words why the model is not such a stack. `input` is how texts become the model's
 * input: the sparse path sums the kernel rows of the words present, which is the matrix product
 * only when every input is 0 or 1.
 */
export function extractDenseStack(model: LayersModel, input: MatrixMode): DenseStack {
  if (input !== 'binary')
    return refuse(
      `its input is a ${input} bag-of-words; summing the kernel rows of the words present equals the first Dense layer only for a binary (0/1) input`,
    );
  if (model.getClassName() !== 'Sequential')
    return refuse(`it is a ${model.getClassName()}, not a Sequential model; the sparse path runs a Sequential of ${SUPPORTED}`);
  const inputShape = model.inputs[0]?.shape;
  if (model.inputs.length !== 1 || inputShape?.length !== 2 || typeof inputShape[1] !== 'number') {
    return refuse(`it takes inputs of shape ${JSON.stringify(model.inputs.map((i) => i.shape))}; the sparse path needs one input of shape [batch, numWords]`);
  }
  if (model.inputs[0]!.dtype !== 'float32') return refuse(`its input is ${model.inputs[0]!.dtype}, not a float32 bag-of-words`);

  const layers: DenseWeights[] = [];
  let width = inputShape[1];
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    // Dropout is the identity at inference; an InputLayer only declares the shape.
    if (kind === 'Dropout' || kind === 'InputLayer') continue;
    if (kind !== 'Dense') return refuse(`layer "${layer.name}" is of class ${kind}; the sparse path runs only ${SUPPORTED}`);
    const activation = layer.getConfig().activation;
    if (!isSparseActivation(activation))
      return refuse(
        `Dense layer "${layer.name}" uses the activation ${JSON.stringify(activation)}; the sparse path implements ${SPARSE_ACTIVATIONS.join(', ')}`,
      );
    const [kernel, bias, ...extra] = layer.getWeights();
    if (kernel === undefined || kernel.shape.length !== 2 || kernel.shape[0] !== width || extra.length > 0) {
      return refuse(
        `Dense layer "${layer.name}" has weights of shapes ${JSON.stringify(layer.getWeights().map((w) => w.shape))}; expected a kernel of shape [${width}, units] and an optional bias`,
      );
    }
    const units = kernel.shape[1]!;
    if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== units))
      return refuse(`Dense layer "${layer.name}" has a bias of shape ${JSON.stringify(bias.shape)}; expected [${units}]`);
    // Copies: the arrays must outlive the tfjs model, which the predictor may dispose.
    const weights: DenseWeights = {
      name: layer.name,
      inputs: width,
      units,
      kernel: new Float32Array(kernel.dataSync()),
      bias: bias === undefined ? new Float32Array(units) : new Float32Array(bias.dataSync()),
      activation,
    };
    // Skipping absent inputs (and zero activations) is exact only if no weight is NaN or infinite:
    // 0 * Infinity is NaN in the matrix product.
    if (!allFinite(weights.kernel) || !allFinite(weights.bias)) return refuse(`Dense layer "${layer.name}" has NaN or infinite weights`);
    layers.push(weights);
    width = units;
  }
  if (layers.length === 0) return refuse('it has no Dense layer');
  return { eligible: true, layers };
}
