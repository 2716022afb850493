/**
 * Models written by the frameworks themselves load in tidepool and give the frameworks' own
 * predictions: Keras 3 and Keras 2 .h5, a functional model, PyTorch and scikit-learn ONNX, a
 * .keras archive, TensorFlow.js layers and graph models (see test/fixtures/framework-models/).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { describeModel, isClassPrediction, loadPredictor, type Predictor, type RawPrediction } from '../../models/index.js';
import { fixture, reference, rowsOf, SAME_MLP } from './frameworkFixtures.js';
import { writeKerasArchive } from './kerasFiles.js';
import { oneNodeOnnx, withExternalData } from './onnxFiles.js';
import { writeMlpGraphModel } from './tfjsFiles.js';
import { maxDifference } from './smallModels.js';
import { tempDir } from './tempDir.js';
import { DEFAULT_MODEL_DIR } from '../../models/model/layout.js';
import { classify } from './classify.js';

/** Every output of every row: the class scores through top = all classes, or the raw outputs. */
async function outputs(predictor: Predictor, x: number[][]): Promise<number[][]> {
  const { output } = predictor.info;
  if (output.kind === 'raw') return ((await predictor.predict(rowsOf(x))) as RawPrediction[]).map((p) => p.outputs as number[]);
  return (await classify(predictor, rowsOf(x), { top: output.labels.length })).map((p) => {
    const row = new Array<number>(output.labels.length).fill(NaN);
    for (const s of p.top!) row[s.index] = s.probability;
    return row;
  });
}

for (const { file, ref, format, producer } of SAME_MLP) {
  test(`${file}: loads by its content as ${format} and reproduces the framework's predictions within 1e-5`, async () => {
    const predictor = await loadPredictor(fixture(file));
    try {
      const { info } = predictor;
      assert.equal(info.format, format);
      assert.match(info.producer, producer);
      assert.deepEqual(info.input, { kind: 'features', shape: [1000], dtype: 'float32' });
      assert.equal(info.output.kind === 'classes' && info.output.labels.length, 46);
      assert.equal(info.fixedBatch, null);
      assert.equal(predictor.backend.name, format === 'onnx' ? 'onnxruntime' : 'wasm');
      const { x, y } = reference(ref);
      const delta = maxDifference(await outputs(predictor, x), y);
      assert.ok(delta <= 1e-5, `max |Δ| ${delta} against the framework's predictions`);
    } finally {
      predictor.dispose();
    }
  });
}

test("scikit-learn through skl2onnx: the labels are the classifier's own classes, read from the graph", async () => {
  const predictor = await loadPredictor(fixture('sklearn_mlp_skl2onnx.onnx'));
  try {
    const { output } = predictor.info;
    assert.equal(output.kind === 'classes' && output.labelsFrom, 'the model');
    assert.deepEqual(
      output.kind === 'classes' && output.labels,
      Array.from({ length: 46 }, (_, k) => String(k)),
    );
    assert.match(
      describeModel(predictor.info),
      /sklearn_mlp_skl2onnx\.onnx: ONNX \(\.onnx\), by skl2onnx 1\.21\.0; features \[1000\] float32 -> 46 classes \(labels from the model\); batch .* dynamic$/,
    );
  } finally {
    predictor.dispose();
  }
});

test('the same model as a Keras 3 .keras archive, as ONNX with external .onnx.data weights, and as a graph model with a dynamic batch', async () => {
  const dir = tempDir('framework');
  const archive = path.join(dir, 'reuters.keras');
  await writeKerasArchive(fixture('jax_m.h5'), archive);
  const external = withExternalData(fixture('torch_mlp.onnx'), dir);
  const graph = await writeMlpGraphModel(fixture('jax_m.h5'), path.join(dir, 'graph'));
  const { x, y } = reference('jax_ref.json');
  for (const [file, format] of [
    [archive, 'keras'],
    [external, 'onnx'],
    [graph, 'tfjs-graph'],
  ] as const) {
    const predictor = await loadPredictor(file);
    try {
      assert.deepEqual([predictor.info.format, predictor.info.fixedBatch], [format, null]);
      const delta = maxDifference(await outputs(predictor, x), y);
      assert.ok(delta <= 1e-5, `${file}: max |Δ| ${delta}`);
    } finally {
      predictor.dispose();
    }
  }
});

test('a file is recognised by its content, not its name', async () => {
  const dir = tempDir('framework');
  const renamed = path.join(dir, 'model.bin');
  const fs = await import('node:fs');
  fs.copyFileSync(fixture('torch_mlp.onnx'), renamed);
  const h5 = path.join(dir, 'weights.dat');
  fs.copyFileSync(fixture('keras2style_m.h5'), h5);
  for (const [file, format] of [
    [renamed, 'onnx'],
    [h5, 'keras-h5'],
  ] as const) {
    const predictor = await loadPredictor(file);
    assert.equal(predictor.info.format, format);
    predictor.dispose();
  }
});

test('TensorFlow.js layers and graph models written by tfjs and its converter reproduce the outputs their tests expect', async () => {
  // tfjs' e2e load_predict test: an Embedding + GRU layers model, and a converted graph with a fixed [2, 2] input.
  const layers = await loadPredictor(fixture('tfjs-layers-model'), { output: 'raw' });
  try {
    assert.deepEqual(
      [layers.info.format, layers.info.input, layers.info.fixedBatch],
      ['tfjs-layers', { kind: 'features', shape: [10], dtype: 'float32' }, null],
    );
    const [row] = await outputs(layers, [[86, 11, 62, 40, 36, 75, 82, 94, 67, 75]]);
    assert.ok(maxDifference([row!], [[-0.003578941337764263, 0.0028922036290168762, -0.002957976423203945, 0.00955402385443449]]) <= 1e-5, JSON.stringify(row));
  } finally {
    layers.dispose();
  }
  const graph = await loadPredictor(fixture('tfjs-graph-model'), { output: 'raw' });
  try {
    assert.deepEqual([graph.info.format, graph.info.fixedBatch], ['tfjs-graph', 2]);
    assert.match(describeModel(graph.info), /batch dimension fixed at 2: calls of 2 rows, the last padded$/);
    // Three rows through a model that takes exactly two: two calls, the second padded.
    const rows = await outputs(graph, [
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    assert.ok(
      maxDifference(rows, [
        [0.7567615509033203, -0.18349379301071167],
        [0.7567615509033203, -0.18349379301071167],
        [0.7567615509033203, -0.18349379301071167],
      ]) <= 1e-6,
    );
  } finally {
    graph.dispose();
  }
});

test('a text pipeline on a Keras .h5: texts become the bag of words, served by the verified sparse path, same answers as the rows', async () => {
  const wordIndex = path.join(DEFAULT_MODEL_DIR, 'word_index.json');
  const text = await loadPredictor(fixture('keras2style_m.h5'), { text: { wordIndex } });
  const rows = await loadPredictor(fixture('keras2style_m.h5'), { backend: 'wasm' });
  try {
    assert.equal(text.backend.name, 'sparse');
    assert.match(text.backend.detail, /^sparse \(plain JS, verified against wasm/);
    assert.deepEqual(text.info.input, { kind: 'text', numWords: 1000, mode: 'binary', encoding: 'load-data', wordIndex, words: 10045 });
    const texts = ['OPEC crude oil output barrels bpd Saudi', 'Shr 32 cts vs 28 cts net profit', 'wheat'];
    // load_data's encoding: start character 1, ranks + 3, out-of-vocabulary 2.
    const fs = await import('node:fs');
    const index = new Map(Object.entries(JSON.parse(fs.readFileSync(wordIndex, 'utf8')) as Record<string, number>));
    const bags = texts.map((t) => {
      const row = new Array<number>(1000).fill(0);
      row[1] = 1;
      for (const word of t.toLowerCase().split(/\s+/)) {
        const rank = index.get(word);
        const i = rank === undefined ? 2 : rank + 3;
        row[i < 1000 ? i : 2] = 1;
      }
      return row;
    });
    const fromText = await classify(text, texts, { top: 46 });
    const fromRows = await classify(rows, rowsOf(bags), { top: 46 });
    fromText.forEach((p, i) => {
      assert.equal(p.prediction, fromRows[i]!.prediction);
      p.top!.forEach((s, k) => assert.ok(Math.abs(s.probability - fromRows[i]!.top![k]!.probability) <= 1e-5));
    });
    assert.ok(fromText.every(isClassPrediction));
  } finally {
    text.dispose();
    rows.dispose();
  }
});

test('a model whose batch dimension is fixed at 1 runs one row per call, says so, and still answers every row', async () => {
  const dir = tempDir('framework');
  const fs = await import('node:fs');
  const file = path.join(dir, 'relu-batch1.onnx');
  fs.writeFileSync(file, oneNodeOnnx('Relu', 3, 1));
  const predictor = await loadPredictor(file, { output: 'raw' });
  try {
    assert.equal(predictor.info.fixedBatch, 1);
    assert.match(describeModel(predictor.info), /-> raw outputs \[3\] per row; batch dimension fixed at 1: one row per call, no dynamic batching$/);
    const rows = await outputs(predictor, [
      [-1, 2, -3],
      [4, -5, 6],
      [0, 0.5, -0.5],
    ]);
    assert.deepEqual(rows, [
      [0, 2, 0],
      [4, 0, 6],
      [0, 0.5, 0],
    ]);
  } finally {
    predictor.dispose();
  }
});
