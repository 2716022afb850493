import { DEFAULT_MODEL_DIR } from './model/layout.js';
import { ModelError } from './model/modelError.js';
import { detectModel, FORMAT_NAMES, type ModelFormat } from './formats/detect.js';
import { loadEngine, type DescribedText } from './formats/loadEngine.js';
import { readLabels } from './output/labels.js';
import { classPredictions, rawPredictions, type Prediction } from './output/predictions.js';
import { parseBackendRequest, type BackendChoice, type BackendRequest } from './runtime/backend.js';
import { describeShape, rowSize, type Engine, type SyncEngine, type TensorDtype } from './runtime/engine.js';
import { runInBatches } from './runtime/inBatches.js';
import type { MatrixMode } from './text/matrix.js';
import { readTextInput, type TextOptions } from './text/textInput.js';
import type { Vocabulary } from './text/vocabulary.js';
import { extractDenseStack } from './sparse/denseStack.js';
import { probeTexts } from './sparse/probeTexts.js';
import { chooseServingBackend, type SparseOutcome } from './sparse/sparseChoice.js';
import { SparseForward } from './sparse/sparseForward.js';
import { sparseTextForward } from './sparse/sparseTextForward.js';
import { verifyAgainst } from './sparse/verify.js';
import { engineTextForward, type TextForward } from './runtime/textForward.js';

export type { BackendName, BackendRequest, BackendChoice } from './runtime/backend.js';
export type { ClassPrediction, ClassScore, NestedNumbers, Prediction, RawPrediction } from './output/predictions.js';
export { ModelError } from './model/modelError.js';
export { DEFAULT_MODEL_DIR } from './model/layout.js';

/** Feature rows for a model that takes numbers: count x the input's row size, row-major. */
export interface FeatureRows {
  count: number;
  data: Float64Array;
}

/** Texts for a text model, feature rows for any other. */
export type ModelInputs = readonly string[] | FeatureRows;

export type ModelInput =
  | {
      kind: 'text';
      /** Width of the bag of words the texts become */
      numWords: number;
      mode: MatrixMode;
      /** How words become indices: tidepool's metadata, keras.datasets' load_data, or a Tokenizer's own */
      encoding: 'metadata' | 'load-data' | 'tokenizer';
      /** The word index file, and how many words it holds */
      wordIndex: string;
      words: number;
    }
  | {
      kind: 'features';
      /** One row's shape: the model input's dimensions after the batch one */
      shape: readonly number[];
      dtype: TensorDtype;
    };

export type ModelOutput =
  | { kind: 'classes'; labels: readonly string[]; labelsFrom: 'labels file' | 'the model' | 'metadata.json' | 'class index' }
  | { kind: 'raw'; shape: readonly number[] };

export const OUTPUT_REQUESTS = ['auto', 'class', 'raw'] as const;
export type OutputRequest = (typeof OUTPUT_REQUESTS)[number];

export interface ModelInfo {
  /** The file or directory served */
  source: string;
  format: ModelFormat;
  /** Who wrote it: "Keras 3.15.1 (jax)", "pytorch 2.13.0", "tidepool train: synthetic ..." */
  producer: string;
  input: ModelInput;
  output: ModelOutput;
  /** Rows per call when the model's batch dimension is fixed (requests are cut and padded to it); null when it is dynamic */
  fixedBatch: number | null;
}

/**
 * What /predict serves: texts or feature rows in (as `info.input` says), class predictions or raw
 * outputs out (as `info.output` says). Any object of this shape can be served; a Predictor is one.
 */
/**
 * What /predict needs to know of the input: texts (a model file's text pipeline names its word
 * index; a user's own predict() takes the texts as they come) or feature rows of a shape.
 */
export type ServedInput = { kind: 'text'; wordIndex?: string } | Extract<ModelInput, { kind: 'features' }>;

export interface Servable {
  readonly info: { readonly input: ServedInput; readonly output: ModelOutput };
  /**
   * Synchronous on purpose where the engine is (TensorFlow.js, sparse): a worker blocks on it like
   * a synchronous model would. onnxruntime-node only answers through a promise.
   */
  predict(inputs: ModelInputs, options?: { top?: number }): Prediction[] | Promise<Prediction[]>;
}

/** A loaded model file (loadPredictor()), with the backend that runs it. */
export interface Predictor extends Servable {
  readonly backend: BackendChoice;
  readonly info: ModelInfo;
  dispose(): void;
}

export interface LoadOptions {
  backend?: BackendRequest;
  /** The text pipeline of a model file that takes a bag of words; without it the model takes feature rows */
  text?: TextOptions;
  /** A file of class names, one per output class */
  labels?: string;
  output?: OutputRequest;
}

/** One line for logs: "torch_mlp.onnx: ONNX (pytorch 2.13.0); features [1000] -> 46 classes (class index); batch dimension dynamic". */
export function describeModel(info: ModelInfo): string {
  const { input: i, output: o } = info;
  const input =
    i.kind === 'text' ? `text (${i.mode} bag of ${i.numWords} words, ${i.encoding} encoding, ${i.wordIndex})` : `features [${i.shape.join(', ')}] ${i.dtype}`;
  const output = o.kind === 'classes' ? `${o.labels.length} classes (labels from ${o.labelsFrom})` : `raw outputs [${o.shape.join(', ')}] per row`;
  const batch =
    info.fixedBatch === null
      ? 'batch dimension dynamic'
      : info.fixedBatch === 1
        ? 'batch dimension fixed at 1: one row per call, no dynamic batching'
        : `batch dimension fixed at ${info.fixedBatch}: calls of ${info.fixedBatch} rows, the last padded`;
  return `${info.source}: ${FORMAT_NAMES[info.format]}, by ${info.producer}; ${input} -> ${output}; ${batch}`;
}

type Forward = (inputs: ModelInputs) => Float32Array | Promise<Float32Array>;

class ModelPredictor implements Predictor {
  private disposed = false;

  constructor(
    readonly info: ModelInfo,
    readonly backend: BackendChoice,
    private readonly forward: Forward,
    private readonly release: () => void,
  ) {}

  private rows(inputs: ModelInputs): number {
    const { input } = this.info;
    if (input.kind === 'text') {
      if (!Array.isArray(inputs)) {
        throw new TypeError(`Expected texts (an array of strings) for this text model, got ${inputs === null ? 'null' : typeof inputs}`);
      }
      inputs.forEach((text, i) => {
        if (typeof text !== 'string') throw new TypeError(`Expected texts[${i}] to be a string, got ${text === null ? 'null' : typeof text}`);
      });
      return inputs.length;
    }
    const rows = inputs as FeatureRows;
    const size = input.shape.reduce((a, b) => a * b, 1);
    if (Array.isArray(inputs) || !(rows?.data instanceof Float64Array) || rows.data.length !== rows.count * size) {
      throw new TypeError(
        `Expected feature rows ({count, data: Float64Array of count x ${size}}) for this model of input ${describeShape(input.shape)}, ` +
          `got ${Array.isArray(inputs) ? 'texts' : typeof inputs}`,
      );
    }
    return rows.count;
  }

  predict(inputs: ModelInputs, options: { top?: number } = {}): Prediction[] | Promise<Prediction[]> {
    if (this.disposed) throw new Error(`This predictor (model ${this.info.source}) was disposed; load it again with loadPredictor()`);
    const { output } = this.info;
    const top = options.top;
    if (top !== undefined) {
      const got = JSON.stringify(top);
      if (output.kind !== 'classes') throw new RangeError(`Expected no top for this model's raw outputs [${output.shape.join(', ')}], got ${got}`);
      const classes = output.labels.length;
      if (!Number.isInteger(top) || top < 1 || top > classes) throw new RangeError(`Expected top to be an integer from 1 to ${classes}, got ${got}`);
    }
    const rows = this.rows(inputs);
    if (rows === 0) return [];
    const answer = (values: Float32Array): Prediction[] =>
      output.kind === 'classes' ? classPredictions(values, rows, output.labels, top) : rawPredictions(values, rows, output.shape);
    const values = this.forward(inputs);
    return values instanceof Promise ? values.then(answer) : answer(values);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.release();
  }
}

function fixedRowShape(file: string, what: string, shape: readonly (number | null)[]): number[] {
  const row = shape.slice(1);
  if (row.some((d) => d === null)) {
    throw new ModelError(`${file}: the model's ${what} has shape ${describeShape(shape)}; tidepool needs its dimensions after the batch one to be fixed`);
  }
  return row as number[];
}

/** The output's row shape; a zero batch answers it where the file leaves dimensions open (ONNX "N"). */
async function outputRowShape(file: string, engine: Engine): Promise<number[]> {
  const row = engine.output.shape.slice(1);
  if (row.every((d) => d !== null)) return row as number[];
  if (row.length !== 1) {
    const shape = describeShape(engine.output.shape);
    throw new ModelError(`${file}: the model's output has shape ${shape}, open after the batch dimension; tidepool serves fixed shapes`);
  }
  const rows = engine.input.shape[0] ?? 1;
  const values = await runInBatches(engine, new Float32Array(rows * rowSize(engine.input)), rows);
  return [values.length / rows];
}

function chooseOutput(file: string, engine: Engine, shape: number[], options: LoadOptions, described: DescribedText | null): ModelOutput {
  const request = options.output ?? 'auto';
  const vector = shape.length === 1 && shape[0]! >= 2;
  if (request === 'raw' || (request === 'auto' && !vector)) {
    if (options.labels) {
      const served = describeShape([null, ...shape]);
      throw new ModelError(`${options.labels}: labels name classes, but the output of ${file} is served raw (${served}); set output = class`);
    }
    return { kind: 'raw', shape };
  }
  if (!vector) {
    const got = describeShape([null, ...shape]);
    throw new ModelError(`${file}: output = class needs one score per class ([batch, classes]), but the output has shape ${got}; use output = raw`);
  }
  const classes = shape[0]!;
  if (options.labels) return { kind: 'classes', labels: readLabels(options.labels, classes), labelsFrom: 'labels file' };
  if (described) return { kind: 'classes', labels: described.metadata.labels, labelsFrom: 'metadata.json' };
  if (engine.labels && engine.labels.length === classes) return { kind: 'classes', labels: engine.labels, labelsFrom: 'the model' };
  return { kind: 'classes', labels: Array.from({ length: classes }, (_, k) => String(k)), labelsFrom: 'class index' };
}

interface TextSide {
  vocabulary: Vocabulary;
  wordIndex: ReadonlyMap<string, number>;
  input: Extract<ModelInput, { kind: 'text' }>;
}

function textSide(file: string, engine: Engine, options: LoadOptions, described: DescribedText | null): TextSide | null {
  if (described) {
    if (options.text) {
      throw new ModelError(`${file}: a tidepool model directory, whose metadata.json describes its text input; drop word-index (or serve model.json alone)`);
    }
    const { metadata, wordIndex } = described;
    return {
      vocabulary: described.vocabulary,
      wordIndex,
      input: { kind: 'text', numWords: metadata.numWords, mode: 'binary', encoding: 'metadata', wordIndex: metadata.wordIndex.file, words: wordIndex.size },
    };
  }
  if (!options.text) return null;
  const { input } = engine;
  if (input.shape.length !== 2 || (input.dtype !== 'float32' && input.dtype !== 'float64')) {
    throw new ModelError(
      `${file}: a text pipeline (word-index) feeds a bag of words of shape [batch, numWords], ` +
        `but the model's input ${JSON.stringify(input.name)} is ${input.dtype} ${describeShape(input.shape)}`,
    );
  }
  const text = readTextInput(options.text, input.shape[1]!, file);
  return {
    vocabulary: text.vocabulary,
    wordIndex: text.wordIndex,
    input: { kind: 'text', numWords: input.shape[1]!, mode: text.mode, encoding: text.encoding, wordIndex: text.file, words: text.wordIndex.size },
  };
}

/**
 * Loads a model to serve, picking the loader from the file's content (see formats/detect.ts):
 * tidepool's own directory, Keras .h5/.keras, ONNX, TensorFlow.js layers or graph model.json, a
 * SavedModel. Throws ModelError for files that are not a servable model (naming the file and what
 * is wrong), BackendError when the requested backend cannot serve it.
 *
 * For 'auto' and 'sparse', a TensorFlow.js layers model on a binary bag of words is then tried on
 * the plain-JS sparse path: eligible models (a Sequential of Dense and Dropout layers) are run on
 * probe texts through both, and the sparse path serves only if every output agrees; otherwise
 * 'auto' serves with the format's engine and says why in backend.notes.
 */
export async function loadPredictor(source: string = DEFAULT_MODEL_DIR, options: LoadOptions = {}): Promise<Predictor> {
  const requested = parseBackendRequest(options.backend ?? 'auto');
  const found = detectModel(source);
  const { engine, producer, described } = await loadEngine(found, requested);
  try {
    const file = found.path;
    const inputRow = fixedRowShape(file, 'input', engine.input.shape);
    const outputShape = await outputRowShape(file, engine);
    const output = chooseOutput(file, engine, outputShape, options, described);
    const text = textSide(file, engine, options, described);
    const info: ModelInfo = {
      source: file,
      format: found.format,
      producer,
      input: text?.input ?? { kind: 'features', shape: inputRow, dtype: engine.input.dtype },
      output,
      fixedBatch: engine.input.shape[0] ?? null,
    };

    if (text === null) {
      const backend = chooseServingBackend(requested, { ...engine.backend, requested }, sparseOutcomeWithoutText(requested, engine), file);
      const forward = (inputs: ModelInputs) => runInBatches(engine, (inputs as FeatureRows).data, (inputs as FeatureRows).count);
      return new ModelPredictor(info, backend, forward, () => engine.dispose());
    }
    const { vocabulary, wordIndex } = text;
    const mode = text.input.mode;
    const toRows = (texts: readonly string[]) => vocabulary.textsToMatrix(texts, mode);
    let outcome: SparseOutcome | null = null;
    let sparse: TextForward | null = null;
    if (requested === 'auto' || requested === 'sparse') {
      const stack = engine.layersModel ? extractDenseStack(engine.layersModel, mode) : { eligible: false as const, reason: notLayers(found.format) };
      if (stack.eligible) {
        const reference = engineTextForward(engine as SyncEngine, vocabulary, mode);
        const candidate = sparseTextForward(new SparseForward(stack.layers), vocabulary);
        outcome = verifyAgainst(reference, candidate, probeTexts(wordIndex, text.input.numWords), rowSize(engine.output));
        if (outcome.verdict === 'verified') sparse = candidate;
      } else {
        outcome = { verdict: 'ineligible', reason: stack.reason };
      }
    }
    const backend = chooseServingBackend(requested, { ...engine.backend, requested }, outcome, file);
    if (sparse !== null) {
      // The sparse path copied the weights out (plain typed arrays): the engine's copy is no longer needed.
      engine.dispose();
      const forward = sparse;
      return new ModelPredictor(
        info,
        backend,
        (inputs) => forward.probabilities(inputs as readonly string[]),
        () => {},
      );
    }
    const forward = (inputs: ModelInputs) => runInBatches(engine, toRows(inputs as readonly string[]), (inputs as readonly string[]).length);
    return new ModelPredictor(info, backend, forward, () => engine.dispose());
  } catch (error) {
    engine.dispose();
    throw error;
  }
}

function notLayers(format: ModelFormat): string {
  return `it is not a TensorFlow.js layers model, whose Dense layers the sparse path copies, but a ${FORMAT_NAMES[format]}`;
}

/** Feature rows are served by the format's engine: the sparse path serves texts. */
function sparseOutcomeWithoutText(requested: BackendRequest, engine: Engine): SparseOutcome | null {
  if (requested !== 'auto' && requested !== 'sparse') return null;
  if (requested === 'auto' && engine.layersModel === null) return null;
  return { verdict: 'ineligible', reason: 'it takes feature rows; the sparse path serves text models (word-index) on a binary bag of words' };
}
