import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparseForward } from '../../models/sparse/sparseForward.js';
import type { DenseWeights, SparseActivation } from '../../models/sparse/denseStack.js';
import { compareProbabilities } from '../../models/sparse/verify.js';
import { chooseServingBackend } from '../../models/sparse/sparseChoice.js';
import { probeTexts } from '../../models/sparse/probeTexts.js';
import { Vocabulary, REUTERS_ENCODING } from '../../models/text/vocabulary.js';
import { BackendError, type BackendChoice } from '../../models/runtime/backend.js';

function dense(name: string, kernel: number[][], bias: number[], activation: SparseActivation): DenseWeights {
  return { name, inputs: kernel.length, units: bias.length, kernel: Float32Array.from(kernel.flat()), bias: Float32Array.from(bias), activation };
}

function close(actual: Float32Array, expected: number[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((value, i) => assert.ok(Math.abs(actual[i]! - value) < 1e-6, `output ${i}: expected ${value}, got ${actual[i]}`));
}

// 3 binary inputs -> 2 relu units -> 2 softmax outputs, small enough to work out by hand.
const HIDDEN = dense(
  'hidden',
  [
    [1, -2],
    [0.5, 1],
    [-3, 0.25],
  ],
  [0.1, 0.2],
  'relu',
);
const OUTPUT = dense(
  'output',
  [
    [1, 0],
    [0, 2],
  ],
  [0, -1],
  'softmax',
);

function softmax(logits: number[]): number[] {
  const exps = logits.map((x) => Math.exp(x - Math.max(...logits)));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((x) => x / sum);
}

test('the forward pass sums the kernel rows of the inputs set, then runs the dense layers', () => {
  const forward = new SparseForward([HIDDEN, OUTPUT]);
  assert.deepEqual([forward.numInputs, forward.numOutputs], [3, 2]);
  // Row 0: inputs {0, 1}: hidden = relu([0.1 + 1 + 0.5, 0.2 - 2 + 1]) = [1.6, 0]; logits [1.6, -1].
  // Row 1: no input: hidden = relu(bias) = [0.1, 0.2]; logits [0.1, -0.6].
  // Row 2: input 2: hidden = relu([-2.9, 0.45]) = [0, 0.45]; logits [0, -0.1].
  close(forward.forward([[0, 1], [], [2]]), [...softmax([1.6, -1]), ...softmax([0.1, -0.6]), ...softmax([0, -0.1])]);
});

test('a binary input counts a repeated index once and skips indices it does not have, as sequencesToMatrix does', () => {
  const forward = new SparseForward([HIDDEN, OUTPUT]);
  const once = forward.forward([[0, 1]]);
  assert.deepEqual(forward.forward([[1, 0, 0, 1, 1, 3, -1, 1.5, 99]]), once);
  // The scratch marks are cleared between rows: the same row twice in a batch gives the same answer.
  assert.deepEqual(
    forward.forward([
      [0, 1],
      [0, 1],
    ]),
    Float32Array.from([...once, ...once]),
  );
});

test('each activation is the TensorFlow.js function of that name', () => {
  const kernel = [
    [1, -1, 0.5],
    [2, 0, -4],
  ];
  const bias = [0.25, -0.5, 1];
  // Input 1 set: pre-activations are kernel[1] + bias.
  const z = [2.25, -0.5, -3];
  const cases: [SparseActivation, number[]][] = [
    ['linear', z],
    ['relu', z.map((x) => Math.max(0, x))],
    ['sigmoid', z.map((x) => 1 / (1 + Math.exp(-x)))],
    ['tanh', z.map(Math.tanh)],
    ['softmax', softmax(z)],
  ];
  for (const [activation, expected] of cases) close(new SparseForward([dense('only', kernel, bias, activation)]).forward([[1]]), expected);
});

test('softmax does not overflow on large logits', () => {
  const forward = new SparseForward([
    dense(
      'big',
      [
        [1000, 0],
        [0, 1000],
      ],
      [0, 0],
      'softmax',
    ),
  ]);
  close(forward.forward([[0]]), [1, 0]);
});

test('layers whose shapes do not chain are refused with both shapes named', () => {
  assert.throws(() => new SparseForward([]), /Expected at least one Dense layer, got none/);
  const wide = dense('wide', [[1, 2, 3]], [0, 0, 0], 'relu');
  assert.throws(() => new SparseForward([wide, OUTPUT]), /Expected Dense layer "output" to take 3 inputs \(the units of "wide"\), got 2/);
  assert.throws(
    () => new SparseForward([{ ...HIDDEN, kernel: new Float32Array(5) }]),
    /Expected Dense layer "hidden" to have a 3x2 kernel and 2 biases, got 5 and 2 values/,
  );
});

test('comparing probabilities finds the largest difference and where, and never takes NaN for agreement', () => {
  const reference = Float32Array.from([0.5, 0.5, 0.25, 0.75]);
  assert.deepEqual(compareProbabilities(reference, reference, 2), { maxDelta: 0, worst: { row: 0, column: 0, reference: 0.5, candidate: 0.5 } });
  const off = compareProbabilities(reference, Float32Array.from([0.5, 0.5, 0.375, 0.625]), 2);
  assert.equal(off.maxDelta, 0.125);
  assert.deepEqual([off.worst!.row, off.worst!.column], [1, 0]);
  assert.equal(compareProbabilities(reference, Float32Array.from([0.5, NaN, 0.25, 0.75]), 2).maxDelta, Infinity);
  assert.deepEqual(compareProbabilities(reference, new Float32Array(2), 2), { maxDelta: Infinity, worst: null });
});

test('the probe texts reach every input the vocabulary can set', () => {
  const numWords = 100;
  const index = new Map(Array.from({ length: 300 }, (_, i) => [`word${i + 1}`, i + 1]));
  const vocabulary = new Vocabulary(index, REUTERS_ENCODING(numWords));
  const probes = probeTexts(index, numWords);
  assert.ok(probes.includes(''), 'an empty text');
  assert.ok(
    probes.some((text) => text.split(' ').length > 500),
    'a long text',
  );
  const reached = new Set(probes.flatMap((text) => vocabulary.textToSequence(text)));
  // Ranks start at 1 and are shifted by indexFrom 3: indices 4..99, plus start (1) and out-of-vocabulary (2).
  const reachable = [1, 2, ...Array.from({ length: numWords - 4 }, (_, i) => i + 4)];
  assert.deepEqual(
    [...reached].sort((a, b) => a - b),
    reachable,
  );
  // Each in-range word is in the all-words text and in exactly one of the smaller grouped texts.
  assert.equal(probes.filter((text) => text.split(' ').includes('word50')).length, 2);
});

const WASM: BackendChoice = { requested: 'auto', name: 'wasm', detail: 'wasm (SIMD, 1 thread)', notes: ['tfjs-node: not available (absent)'] };

test('auto serves with the sparse path when it is verified, and says against what', () => {
  const choice = chooseServingBackend('auto', WASM, { verdict: 'verified', maxDelta: 2.1e-9, probes: 23 }, '/models/m');
  assert.equal(choice.name, 'sparse');
  assert.equal(choice.requested, 'auto');
  assert.equal(choice.detail, 'sparse (plain JS, verified against wasm (SIMD, 1 thread): max |Δ| 2.1e-9)');
  assert.equal(choice.notes[0], 'tfjs-node: not available (absent)');
  assert.match(
    choice.notes[1]!,
    /^sparse: chosen by auto: .* verified at load against wasm \(SIMD, 1 thread\) on 23 probe texts \(max \|Δ\| 2\.1e-9 <= 1e-5\).*use --backend wasm/,
  );
});

test('auto falls back to TensorFlow.js with the reason in the notes; an explicit sparse request is an error', () => {
  const ineligible = { verdict: 'ineligible', reason: 'layer "conv" is of class Conv1D' } as const;
  const disagrees = { verdict: 'disagrees', maxDelta: 0.2, reason: 'class 3 differs' } as const;
  const fallback = chooseServingBackend('auto', WASM, ineligible, '/models/m');
  assert.deepEqual(fallback, { ...WASM, notes: [...WASM.notes, 'sparse: not used, the model is not eligible: layer "conv" is of class Conv1D'] });
  const refused = chooseServingBackend('auto', WASM, disagrees, '/models/m');
  assert.equal(refused.name, 'wasm');
  assert.equal(refused.notes.at(-1), 'sparse: refused, it disagrees with wasm (SIMD, 1 thread): class 3 differs; serving with wasm');
  const sparse = { ...WASM, requested: 'sparse' } as const;
  assert.throws(
    () => chooseServingBackend('sparse', sparse, ineligible, '/models/m'),
    (error: Error) => {
      assert.ok(error instanceof BackendError);
      assert.equal(
        error.message,
        'Backend "sparse" was requested but cannot serve the model in /models/m: the model is not eligible: layer "conv" is of class Conv1D. Use --backend auto to serve it with TensorFlow.js',
      );
      return true;
    },
  );
  assert.throws(
    () => chooseServingBackend('sparse', sparse, disagrees, '/models/m'),
    /cannot serve the model in \/models\/m: it disagrees with wasm \(SIMD, 1 thread\): class 3 differs/,
  );
  // A TensorFlow.js backend asked for by name is never second-guessed.
  assert.equal(chooseServingBackend('wasm', { ...WASM, requested: 'wasm' }, null, '/models/m').name, 'wasm');
});
