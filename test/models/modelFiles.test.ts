import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MODEL_DIR, loadPredictor, ModelError } from '../../models/predictor.js';
import { tempDir } from './tempDir.js';
import { labelsOf } from './classify.js';

/** A fresh copy of the shipped model, to break one thing in. */
function copyModel(): string {
  const dir = tempDir('model');
  for (const name of fs.readdirSync(DEFAULT_MODEL_DIR)) fs.copyFileSync(path.join(DEFAULT_MODEL_DIR, name), path.join(dir, name));
  return dir;
}

function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
}

async function rejects(dir: string, pattern: RegExp): Promise<void> {
  await assert.rejects(loadPredictor(dir), (error: Error) => {
    assert.ok(error instanceof ModelError, `expected a ModelError, got ${error.name}: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  });
}

test('the intact copy loads (so every failure below is the one thing broken)', async () => {
  const predictor = await loadPredictor(copyModel());
  assert.equal(labelsOf(predictor).length, 46);
  predictor.dispose();
});

test('a missing model path; a model.json given alone is a TensorFlow.js layers model taking feature rows', async () => {
  const missing = path.join(os.tmpdir(), 'tidepool-no-such-model-dir');
  await rejects(missing, /^.*tidepool-no-such-model-dir: does not exist; expected a Keras \.h5\/\.keras file, an ONNX file, a TensorFlow\.js model\.json/);
  const predictor = await loadPredictor(path.join(copyModel(), 'model.json'));
  try {
    assert.equal(predictor.info.format, 'tfjs-layers');
    assert.deepEqual(predictor.info.input, { kind: 'features', shape: [1000], dtype: 'float32' });
    assert.equal(predictor.info.output.kind === 'classes' && predictor.info.output.labelsFrom, 'class index');
  } finally {
    predictor.dispose();
  }
});

test('model.json missing, not JSON, or not a layers model', async () => {
  let dir = copyModel();
  fs.rmSync(path.join(dir, 'model.json'));
  await rejects(dir, /model\.json: missing; expected the TensorFlow\.js model in the model directory/);
  dir = copyModel();
  fs.writeFileSync(path.join(dir, 'model.json'), '{"modelTopology": ');
  await rejects(dir, /model\.json: expected the TensorFlow\.js model as JSON, got unparsable text/);
  dir = copyModel();
  editJson(path.join(dir, 'model.json'), (json) => delete json.weightsManifest);
  await rejects(dir, /model\.json: expected a "weightsManifest" array, got nothing/);
  dir = copyModel();
  editJson(path.join(dir, 'model.json'), (json) => (json.modelTopology = { class_name: 'Nonsense', config: {} }));
  await rejects(dir, /model\.json: TensorFlow\.js cannot build the model/);
});

test('weights missing or truncated', async () => {
  let dir = copyModel();
  fs.rmSync(path.join(dir, 'weights.bin'));
  await rejects(dir, /weights\.bin: missing; expected weights listed in model\.json/);
  dir = copyModel();
  const weights = path.join(dir, 'weights.bin');
  const size = fs.statSync(weights).size;
  fs.truncateSync(weights, size - 100);
  await rejects(
    dir,
    new RegExp(`weights\\.bin: expected ${size} bytes of weights \\(as the manifest in model\\.json lists\\), got ${size - 100} bytes \\(truncated\\?\\)`),
  );
});

test('metadata missing or malformed', async () => {
  let dir = copyModel();
  fs.rmSync(path.join(dir, 'metadata.json'));
  await rejects(dir, /metadata\.json: missing; expected the model metadata/);
  dir = copyModel();
  editJson(path.join(dir, 'metadata.json'), (json) => (json.labels = 'earn'));
  await rejects(dir, /metadata\.json: expected "labels" to be an array of at least 2 label names, got "earn" \(string\)/);
});

test('a word index from another model, or num_words that disagrees with the input layer', async () => {
  let dir = copyModel();
  editJson(path.join(dir, 'word_index.json'), (json) => (json.zzzunknown = 999999));
  await rejects(dir, /word_index\.json: does not match the model: expected sha256 [0-9a-f]{64} \(recorded in metadata\.json\), got [0-9a-f]{64}/);
  dir = copyModel();
  editJson(path.join(dir, 'metadata.json'), (json) => {
    json.numWords = 500;
    (json.encoding as Record<string, unknown>).numWords = 500;
  });
  await rejects(dir, /metadata\.json: numWords is 500, but the model in model\.json expects 1000 inputs/);
});

test('label count that disagrees with the output layer', async () => {
  const dir = copyModel();
  editJson(path.join(dir, 'metadata.json'), (json) => (json.labels = (json.labels as string[]).slice(0, 45)));
  await rejects(dir, /metadata\.json: lists 45 labels, but the output layer in model\.json has 46 classes/);
});
