import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { selectBackend, type BackendChoice, type BackendRequest, parseBackendRequest } from './runtime/backend.js';
import { DEFAULT_MODEL_DIR } from './model/layout.js';
import { tfjsTextForward, type TextForward } from './runtime/textForward.js';
import { ModelError } from './model/modelError.js';
import { checkModelShape, readModelFiles } from './model/store.js';
import { Vocabulary } from './text/vocabulary.js';
import { extractDenseStack } from './sparse/denseStack.js';
import { probeTexts } from './sparse/probeTexts.js';
import { chooseServingBackend, type SparseOutcome } from './sparse/sparseChoice.js';
import { SparseForward } from './sparse/sparseForward.js';
import { sparseTextForward } from './sparse/sparseTextForward.js';
import { verifyAgainst } from './sparse/verify.js';

export type { BackendName, BackendRequest, BackendChoice } from './runtime/backend.js';
export { ModelError } from './model/modelError.js';
export { DEFAULT_MODEL_DIR } from './model/layout.js';

export interface ClassScore {
  index: number;
  label: string;
  probability: number;
}

export interface Prediction {
  prediction: number;
  label: string;
  probability: number;
  top?: ClassScore[];
}

export interface ModelInfo {
  dir: string;
  numWords: number;
  numClasses: number;
  labels: string[];
  trainedOn: string;
  metrics: Record<string, number>;
}

export interface Predictor {
  readonly backend: BackendChoice;
  readonly info: ModelInfo;
  /** Synchronous on purpose: a worker blocks on it like a synchronous model would. */
  predict(texts: string[], options?: { top?: number }): Prediction[];
  dispose(): void;
}

class TextPredictor implements Predictor {
  private disposed = false;

  constructor(
    private readonly forward: TextForward,
    readonly backend: BackendChoice,
    readonly info: ModelInfo,
  ) {}

  predict(texts: string[], options: { top?: number } = {}): Prediction[] {
    if (this.disposed) throw new Error(`This predictor (model ${this.info.dir}) was disposed; load it again with loadPredictor()`);
    if (!Array.isArray(texts)) throw new TypeError(`Expected texts to be an array of strings, got ${texts === null ? 'null' : typeof texts}`);
    texts.forEach((text, i) => {
      if (typeof text !== 'string') throw new TypeError(`Expected texts[${i}] to be a string, got ${text === null ? 'null' : typeof text}`);
    });
    const top = options.top;
    const numClasses = this.info.numClasses;
    if (top !== undefined && (!Number.isInteger(top) || top < 1 || top > numClasses)) {
      throw new RangeError(`Expected top to be an integer from 1 to ${numClasses}, got ${JSON.stringify(top)}`);
    }
    if (texts.length === 0) return [];

    const probabilities = this.forward.probabilities(texts);

    const labels = this.info.labels;
    const predictions: Prediction[] = [];
    for (let row = 0; row < texts.length; row++) {
      const base = row * numClasses;
      let best = 0;
      for (let k = 1; k < numClasses; k++) if (probabilities[base + k]! > probabilities[base + best]!) best = k;
      const prediction: Prediction = { prediction: best, label: labels[best]!, probability: probabilities[base + best]! };
      if (top !== undefined) {
        const order = Array.from({ length: numClasses }, (_, k) => k).sort((a, b) => probabilities[base + b]! - probabilities[base + a]! || a - b);
        prediction.top = order.slice(0, top).map((k) => ({ index: k, label: labels[k]!, probability: probabilities[base + k]! }));
      }
      predictions.push(prediction);
    }
    return predictions;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.forward.dispose();
  }
}

/**
 * Loads a model directory written by `tidepool train` (TensorFlow.js layers format plus
 * metadata.json and word_index.json). Reads files with node:fs, so tfjs-node is not needed.
 * Throws ModelError for missing, corrupt or inconsistent files, BackendError when the requested
 * backend cannot serve.
 *
 * The model always loads in TensorFlow.js, the format and the reference. For 'auto' and 'sparse'
 * the plain-JS sparse path is then tried: eligible models (a Sequential of Dense and Dropout
 * layers) are run on probe texts through both, and the sparse path serves only if every output
 * probability agrees; otherwise 'auto' serves with TensorFlow.js and says why in backend.notes.
 */
export async function loadPredictor(dir: string = DEFAULT_MODEL_DIR, options: { backend?: BackendRequest } = {}): Promise<Predictor> {
  const requested = parseBackendRequest(options.backend ?? 'auto');
  const runtime = await selectBackend(requested === 'sparse' ? 'auto' : requested);
  const { tf } = runtime;
  const files = readModelFiles(tf, dir);
  let model: LayersModel;
  try {
    model = await tf.loadLayersModel({ load: async () => files.artifacts });
  } catch (error) {
    throw new ModelError(`${path.join(files.dir, 'model.json')}: TensorFlow.js cannot build the model (${(error as Error).message})`);
  }
  const { metadata } = files;
  const vocabulary = new Vocabulary(files.wordIndex, metadata.encoding);
  const reference = tfjsTextForward(tf, model, vocabulary);
  let forward = reference;
  let backend: BackendChoice;
  try {
    checkModelShape(model, files);
    let outcome: SparseOutcome | null = null;
    if (requested === 'auto' || requested === 'sparse') {
      // The predictor feeds every model a binary bag-of-words (textsToMatrix's default mode).
      const stack = extractDenseStack(model, 'binary');
      if (stack.eligible) {
        const sparse = sparseTextForward(new SparseForward(stack.layers), vocabulary);
        outcome = verifyAgainst(reference, sparse, probeTexts(files.wordIndex, metadata.numWords), metadata.labels.length);
        if (outcome.verdict === 'verified') forward = sparse;
      } else {
        outcome = { verdict: 'ineligible', reason: stack.reason };
      }
    }
    backend = chooseServingBackend(requested, { ...runtime.backend, requested }, outcome, files.dir);
  } catch (error) {
    model.dispose();
    throw error;
  }
  // The sparse path copied the weights out: the TensorFlow.js copy is no longer needed.
  if (forward !== reference) reference.dispose();
  const info: ModelInfo = {
    dir: files.dir,
    numWords: metadata.numWords,
    numClasses: metadata.labels.length,
    labels: [...metadata.labels],
    trainedOn: metadata.trainedOn,
    metrics: { ...metadata.metrics },
  };
  return new TextPredictor(forward, backend, info);
}
