import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayersModel } from '@tensorflow/tfjs';
import { DEFAULT_MODEL_DIR, loadPredictor } from '../../models/predictor.js';
import { BackendError, selectBackend, type Tf } from '../../models/runtime/backend.js';
import { readModelFiles } from '../../models/model/store.js';
import { engineTextForward } from '../../models/runtime/textForward.js';
import { layersEngine } from '../../models/runtime/layersEngine.js';
import { Vocabulary } from '../../models/text/vocabulary.js';
import { extractDenseStack, type DenseWeights, type SparseActivation } from '../../models/sparse/denseStack.js';
import { SparseForward } from '../../models/sparse/sparseForward.js';
import { sparseTextForward } from '../../models/sparse/sparseTextForward.js';
import { probeTexts } from '../../models/sparse/probeTexts.js';
import { SPARSE_TOLERANCE, verifyAgainst } from '../../models/sparse/verify.js';
import { allProbabilities, maxDifference, sampleTexts, saveSmallModel, word } from './smallModels.js';
import { classify } from './classify.js';

// Every predictor here runs on wasm: TensorFlow.js' backend is process-wide, and wasm is what
// 'auto' (and so 'sparse', for its check) picks on this machine without tfjs-node.
const runtime = await selectBackend('wasm');
const { tf } = runtime;

const REUTERS_TEXTS = [
  'this is a news sample text about sports, and football in specific',
  'Shr 32 cts vs 28 cts net profit qtr revs 80.2 mln quarterly dividend',
  'OPEC crude oil output barrels bpd Saudi',
  'gold ounces bullion mine',
  '',
  'the the the the',
];

async function compareOnBackends(dir: string, texts: string[]): Promise<{ delta: number; detail: string }> {
  const sparse = await loadPredictor(dir, { backend: 'sparse' });
  const wasm = await loadPredictor(dir, { backend: 'wasm' });
  try {
    assert.equal(sparse.backend.name, 'sparse');
    return { delta: maxDifference(await allProbabilities(sparse, texts), await allProbabilities(wasm, texts)), detail: sparse.backend.detail };
  } finally {
    sparse.dispose();
    wasm.dispose();
  }
}

test('auto serves the shipped model with the sparse path, verified against wasm, and says so', async () => {
  const predictor = await loadPredictor(DEFAULT_MODEL_DIR);
  try {
    assert.equal(predictor.backend.name, 'sparse');
    assert.match(predictor.backend.detail, /^sparse \(plain JS, verified against wasm \(SIMD, 1 thread\): max \|Δ\| (0|\d\.\de-\d+)\)$/);
    assert.ok(predictor.backend.notes.some((note) => note.startsWith('sparse: chosen by auto: ')));
    assert.equal((await classify(predictor, ['OPEC crude oil output barrels bpd Saudi']))[0]!.label, 'crude');
  } finally {
    predictor.dispose();
  }
});

test('on the shipped model, sparse and wasm agree on every class probability within 1e-5', async () => {
  const files = readModelFiles(tf, DEFAULT_MODEL_DIR);
  const texts = [...REUTERS_TEXTS, ...probeTexts(files.wordIndex, files.metadata.numWords)];
  const { delta } = await compareOnBackends(DEFAULT_MODEL_DIR, texts);
  assert.ok(delta <= SPARSE_TOLERANCE, `max |Δ| ${delta}`);
});

type LayerSpec = { units: number; activation: SparseActivation; useBias?: boolean } | { dropout: number };

interface Shape {
  name: string;
  numWords: number;
  layers: LayerSpec[];
}

const init = (tf: Tf, seed: number) => ({
  kernelInitializer: tf.initializers.glorotUniform({ seed }),
  biasInitializer: tf.initializers.randomNormal({ stddev: 0.5, seed: seed + 1000 }),
});

/** A Sequential with seeded random weights (random biases too, so no layer starts at zero). */
function build(shape: Shape, seed: number): LayersModel {
  return tf.sequential({
    layers: shape.layers.map((spec, i) => {
      if ('dropout' in spec) return tf.layers.dropout({ rate: spec.dropout });
      const input = i === 0 ? { inputShape: [shape.numWords] } : {};
      return tf.layers.dense({ ...input, units: spec.units, activation: spec.activation, useBias: spec.useBias ?? true, ...init(tf, seed + i) });
    }),
  });
}

const SHAPES: Shape[] = [
  { name: 'one softmax layer (logistic regression)', numWords: 30, layers: [{ units: 3, activation: 'softmax' }] },
  {
    name: 'tanh -> dropout -> sigmoid outputs',
    numWords: 50,
    layers: [{ units: 8, activation: 'tanh' }, { dropout: 0.3 }, { units: 5, activation: 'sigmoid' }],
  },
  {
    name: 'three Dense layers of odd widths, one without bias, a linear one, two dropouts',
    numWords: 200,
    layers: [
      { units: 33, activation: 'relu', useBias: false },
      { dropout: 0.5 },
      { units: 17, activation: 'linear' },
      { dropout: 0.1 },
      { units: 7, activation: 'softmax' },
    ],
  },
  {
    name: 'wide: sigmoid 64 -> relu 64 -> softmax 10 over 1000 inputs',
    numWords: 1000,
    layers: [
      { units: 64, activation: 'sigmoid' },
      { units: 64, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ],
  },
];

for (const shape of SHAPES) {
  test(`a random model, ${shape.name}: saved, loaded back, sparse equals wasm within 1e-5`, async () => {
    const model = build(shape, 7);
    const dir = await saveSmallModel(tf, model, { numWords: shape.numWords });
    model.dispose();
    const { delta, detail } = await compareOnBackends(dir, sampleTexts(shape.numWords));
    assert.ok(delta <= SPARSE_TOLERANCE, `max |Δ| ${delta} (${detail})`);
  });
}

async function servedBy(dir: string): Promise<{ name: string; notes: string[] }> {
  const predictor = await loadPredictor(dir);
  predictor.dispose();
  return predictor.backend;
}

test('a model with a non-Dense layer is not eligible: auto serves it with wasm and says why; an explicit sparse request is an error', async () => {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 40, outputDim: 4, inputLength: 40, name: 'words', embeddingsInitializer: tf.initializers.randomUniform({ seed: 3 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax', ...init(tf, 4) }),
    ],
  });
  const dir = await saveSmallModel(tf, model, { numWords: 40 });
  model.dispose();
  const { name, notes } = await servedBy(dir);
  assert.equal(name, 'wasm');
  assert.equal(
    notes.at(-1),
    'sparse: not used, the model is not eligible: layer "words" is of class Embedding; the sparse path runs only Dense layers (activations relu, linear, softmax, sigmoid, tanh) with Dropout layers between them',
  );
  await assert.rejects(loadPredictor(dir, { backend: 'sparse' }), (error: Error) => {
    assert.ok(error instanceof BackendError);
    assert.match(
      error.message,
      /^Backend "sparse" was requested but cannot serve the model in .*tidepool-small-model-\w+: the model is not eligible: layer "words" is of class Embedding; .*Use --backend auto to serve it with TensorFlow\.js$/,
    );
    return true;
  });
});

test('an activation the sparse path does not implement, a non-binary input, or a functional model is not eligible', async () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [20], units: 4, activation: 'elu', name: 'hidden' }), tf.layers.dense({ units: 2, activation: 'softmax' })],
  });
  const dir = await saveSmallModel(tf, model, { numWords: 20 });
  assert.match(
    (await servedBy(dir)).notes.at(-1)!,
    /^sparse: not used, the model is not eligible: Dense layer "hidden" uses the activation "elu"; the sparse path implements relu, linear, softmax, sigmoid, tanh$/,
  );
  // The predictor always encodes texts as a binary bag-of-words; a count encoding would break the row sums.
  const dense = tf.sequential({ layers: [tf.layers.dense({ inputShape: [20], units: 2, activation: 'softmax' })] });
  assert.deepEqual(extractDenseStack(dense, 'count'), {
    eligible: false,
    reason: 'its input is a count bag-of-words; summing the kernel rows of the words present equals the first Dense layer only for a binary (0/1) input',
  });
  assert.equal(extractDenseStack(dense, 'binary').eligible, true);
  // The same Dense chain built as a functional model: only Sequential stacks are read.
  const input = tf.input({ shape: [20] });
  const functional = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(input) as ReturnType<typeof tf.input> });
  assert.deepEqual(extractDenseStack(functional, 'binary'), {
    eligible: false,
    reason:
      'it is a Model, not a Sequential model; the sparse path runs a Sequential of Dense layers (activations relu, linear, softmax, sigmoid, tanh) with Dropout layers between them',
  });
  model.dispose();
  dense.dispose();
  functional.dispose();
});

test('a model on which the sparse path disagrees with TensorFlow.js is refused: auto falls back to wasm, explicit sparse errors', async () => {
  // float32 cannot hold 1e8 + 1: TensorFlow.js computes (1e8 + 1) - 1e8 = 0, the sparse path's
  // float64 sums give 1. A probe with k words gets softmax([k, 0]) instead of [0.5, 0.5].
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [8], units: 2, activation: 'linear' }), tf.layers.dense({ units: 2, activation: 'softmax' })],
  });
  model.layers[0]!.setWeights([tf.tensor2d(Array.from({ length: 8 }, () => [1, 0])), tf.tensor1d([1e8, 0])]);
  model.layers[1]!.setWeights([
    tf.tensor2d([
      [1, 0],
      [0, 1],
    ]),
    tf.tensor1d([-1e8, 0]),
  ]);
  const dir = await saveSmallModel(tf, model, { numWords: 8 });
  model.dispose();

  const predictor = await loadPredictor(dir);
  try {
    assert.equal(predictor.backend.name, 'wasm');
    assert.match(
      predictor.backend.notes.at(-1)!,
      /^sparse: refused, it disagrees with wasm \(SIMD, 1 thread\): for probe text "w[^"]*", class \d has probability 0\.5 in TensorFlow\.js but [\d.e-]+ in the sparse path \(\|Δ\| [\d.]+e-1 > 1e-5\); serving with wasm$/,
    );
    // Served by TensorFlow.js, the reference: its answer, not the sparse path's.
    assert.deepEqual(await allProbabilities(predictor, [word(1)]), [[0.5, 0.5]]);
  } finally {
    predictor.dispose();
  }
  await assert.rejects(
    loadPredictor(dir, { backend: 'sparse' }),
    /^BackendError: Backend "sparse" was requested but cannot serve the model in .*: it disagrees with wasm \(SIMD, 1 thread\): for probe text "w/,
  );
});

test('weights the sparse path copied wrong (one weight of the least frequent word) fail the load-time check', async () => {
  const files = readModelFiles(tf, DEFAULT_MODEL_DIR);
  const model = await tf.loadLayersModel({ load: async () => files.artifacts });
  try {
    const vocabulary = new Vocabulary(files.wordIndex, files.metadata.encoding);
    const reference = engineTextForward(layersEngine(runtime, model, DEFAULT_MODEL_DIR), vocabulary, 'binary');
    const probes = probeTexts(files.wordIndex, files.metadata.numWords);
    const stack = extractDenseStack(model, 'binary');
    assert.ok(stack.eligible);
    const verdict = (layers: DenseWeights[]) =>
      verifyAgainst(reference, sparseTextForward(new SparseForward(layers), vocabulary), probes, files.metadata.labels.length);

    const intact = verdict(stack.layers);
    assert.equal(intact.verdict, 'verified');
    assert.ok(intact.maxDelta <= SPARSE_TOLERANCE);

    const [hidden, ...rest] = stack.layers;
    const kernel = Float32Array.from(hidden!.kernel);
    // Input 999: the rarest word the model sees, which no fixed probe text contains.
    kernel[999 * hidden!.units + 5]! += 0.5;
    const tampered = verdict([{ ...hidden!, kernel }, ...rest]);
    assert.equal(tampered.verdict, 'disagrees');
    assert.ok(tampered.maxDelta > SPARSE_TOLERANCE);
    if (tampered.verdict === 'disagrees')
      assert.match(
        tampered.reason,
        /^for probe text ".*", class \d+ has probability [\d.e-]+ in TensorFlow\.js but [\d.e-]+ in the sparse path \(\|Δ\| [\d.]+e-\d+ > 1e-5\)$/,
      );
  } finally {
    model.dispose();
  }
});
