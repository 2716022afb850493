/**
 * Files that are not a servable model, and model options that do not fit the model: each is one
 * ModelError (or BackendError) naming the file and what is wrong, never a stack trace alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadPredictor, type LoadOptions } from '../../models/index.js';
import { zipOf } from './npzWriter.js';
import { DEFAULT_MODEL_DIR } from '../../models/model/layout.js';
import { fixture } from './frameworkFixtures.js';
import { withEditedConfig, writeWeightsOnly } from './kerasFiles.js';
import { oneNodeOnnx } from './onnxFiles.js';
import { tempDir } from './tempDir.js';

const dir = tempDir('bad-models');
const file = (name: string, content: string | Uint8Array): string => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};
const truncated = (source: string, name: string, bytes: number): string => file(name, fs.readFileSync(fixture(source)).subarray(0, bytes));
const wordIndex = path.join(DEFAULT_MODEL_DIR, 'word_index.json');
/** The Keras 2 fixture with one thing of its model_config replaced. */
async function edited(name: string, from: string, to: string): Promise<string> {
  const p = path.join(dir, name);
  await withEditedConfig(fixture('keras2style_m.h5'), p, (config) => config.replace(from, to));
  return p;
}

interface Case {
  what: string;
  model: () => Promise<string> | string;
  options?: LoadOptions | (() => LoadOptions);
  error: 'ModelError' | 'BackendError';
  /** the message after the file's path */
  message: RegExp;
  /** the file the message starts with, when it is not the model (a word index, a labels file) */
  names?: () => string;
}

const CASES: Case[] = [
  {
    what: 'a text file',
    model: () => file('notes.h5', 'hello, this is not a model\n'),
    error: 'ModelError',
    message:
      /^: not a model file: expected a Keras \.h5\/\.keras file, an ONNX file, .*; it starts with the bytes 68 65 6c 6c 6f 2c 20 74 \("hello, this is n"\)$/,
  },
  {
    what: 'a PNG named .h5',
    model: () => file('photo.h5', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])),
    error: 'ModelError',
    message: /^: not a model file: .*it starts with the bytes 89 50 4e 47 0d 0a 1a 0a/,
  },
  { what: 'an empty file', model: () => file('empty.onnx', ''), error: 'ModelError', message: /^: is empty \(0 bytes\)/ },
  {
    what: 'a truncated .h5',
    model: () => truncated('keras2style_m.h5', 'cut.h5', 1_000_000),
    error: 'ModelError',
    message: /^: not a readable HDF5 file \(truncated file: eof = 1000000, sblock->base_addr = 0, stored_eof = 2154824\)$/,
  },
  {
    what: 'a truncated .onnx',
    model: () => truncated('torch_mlp.onnx', 'cut.onnx', 1_000_000),
    error: 'ModelError',
    message: /^: named \.onnx but not a whole ONNX model \(field 7 at byte \d+ holds \d+ bytes, but only \d+ remain \(truncated\?\)\)$/,
  },
  {
    what: 'a weights-only .weights.h5 (no model_config)',
    model: async () => {
      const p = path.join(dir, 'm.weights.h5');
      await writeWeightsOnly(fixture('jax_m.h5'), p);
      return p;
    },
    error: 'ModelError',
    message: /^: holds only weights \(as model\.save_weights writes\), no model_config .*; save the whole model with model\.save\('model\.h5'\) or .*$/,
  },
  {
    what: 'a layer TensorFlow.js does not have',
    model: () => edited('custom.h5', '"class_name": "Dropout"', '"class_name": "MyTeamDropout"'),
    error: 'ModelError',
    message: /^: layer "dropout" is a MyTeamDropout, which TensorFlow\.js \(tfjs-layers 4\.22\.0\) cannot build; serve the model as ONNX instead/,
  },
  {
    what: 'weights that do not fit the config',
    model: () => edited('resized.h5', '"units": 512', '"units": 256'),
    error: 'ModelError',
    message: /^: weight model_weights\/dense\/dense\/kernel:0 has shape \[1000,512\]; layer "dense" expects \[1000,256\] for dense\/kernel$/,
  },
  {
    what: 'an operator onnxruntime does not have',
    model: () => file('custom-op.onnx', oneNodeOnnx('NoSuchOp')),
    error: 'ModelError',
    message: /^: onnxruntime 1\.30\.0 cannot load it \(.*No Op registered for NoSuchOp with domain_version of 17\); the graph uses the operators NoSuchOp$/,
  },
  {
    what: 'a zip that is not a .keras',
    model: () => file('data.keras', zipOf(new Map([['notes.txt', Buffer.from('hi')]]))),
    error: 'ModelError',
    message: /^: a zip, but not a Keras 3 \.keras archive: no config\.json \(it holds \["notes\.txt"\]\)$/,
  },
  {
    what: 'JSON that is not a TensorFlow.js model',
    model: () => file('model.json', '{"name": "x", "layers": []}'),
    error: 'ModelError',
    message: /^: a JSON file, but not a TensorFlow\.js model: expected a "modelTopology" object, got the keys \["name","layers"\]$/,
  },
  {
    what: 'a directory without a model',
    model: () => fs.mkdtempSync(path.join(dir, 'nothing-')),
    error: 'ModelError',
    message: /^: a directory without a model: expected model\.json or saved_model\.pb in it$/,
  },
  {
    what: 'a SavedModel without tfjs-node',
    model: () => fixture('saved-model'),
    error: 'BackendError',
    message: new RegExp(
      '^: a TensorFlow SavedModel, which needs libtensorflow through @tensorflow/tfjs-node \\(.*\\); ' +
        'convert it once, to ONNX \\(`python -m tf2onnx\\.convert --saved-model .* --output model\\.onnx`\\) ' +
        'or to a TensorFlow\\.js graph model \\(`tensorflowjs_converter --input_format=tf_saved_model .*`\\), and serve that$',
    ),
  },
  {
    what: "num-words that is not the model's input width",
    model: () => fixture('jax_m.h5'),
    options: { text: { wordIndex, numWords: 500 } },
    error: 'ModelError',
    message: /^: takes 1000 inputs per row, but num-words is 500; the word index and num-words must be the ones the model was trained with$/,
  },
  {
    what: 'a word index too small for num-words',
    model: () => fixture('jax_m.h5'),
    options: () => ({
      text: { wordIndex: file('small_index.json', JSON.stringify(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`w${i}`, i + 1])))) },
    }),
    names: () => path.join(dir, 'small_index.json'),
    error: 'ModelError',
    message:
      /^: has 100 of the ranks 1\.\.996 that num-words 1000 reaches with keras\.datasets' encoding \(ranks \+ 3\): the word index does not match num-words/,
  },
  {
    what: 'a Tokenizer fitted with another num_words',
    model: () => fixture('jax_m.h5'),
    options: () => ({
      text: {
        wordIndex: file(
          'tokenizer.json',
          JSON.stringify({
            class_name: 'Tokenizer',
            config: { num_words: 2000, word_index: JSON.stringify({ oil: 1, gold: 2 }), index_docs: '{}', document_count: 2 },
          }),
        ),
        numWords: 1000,
      },
    }),
    names: () => path.join(dir, 'tokenizer.json'),
    error: 'ModelError',
    message: /^: a Tokenizer fitted with num_words=2000, but num-words is 1000: the word index does not match num-words$/,
  },
  {
    what: 'a labels file with the wrong count',
    model: () => fixture('torch_mlp.onnx'),
    options: () => ({ labels: file('labels.txt', 'earn\nacq\ncrude\n') }),
    names: () => path.join(dir, 'labels.txt'),
    error: 'ModelError',
    message: /^: has 3 labels, but the model's output has 46 classes$/,
  },
  {
    what: 'a TensorFlow.js backend for an ONNX model',
    model: () => fixture('torch_mlp.onnx'),
    options: { backend: 'wasm' },
    error: 'BackendError',
    message: /^Backend "wasm" was requested, but .*torch_mlp\.onnx is an ONNX model, which only onnxruntime runs; use --backend auto or onnxruntime$/,
  },
];

for (const c of CASES) {
  test(`bad model: ${c.what}`, async () => {
    const model = await c.model();
    const options = typeof c.options === 'function' ? c.options() : c.options;
    await assert.rejects(loadPredictor(model, options), (error: Error) => {
      assert.equal(error.name, c.error, `${error.name}: ${error.message}`);
      const named = c.names?.() ?? model;
      // "Backend ... was requested, but FILE ..." names the file further in.
      if (c.message.source.startsWith('^Backend')) assert.match(error.message, c.message);
      else {
        assert.ok(error.message.startsWith(named), `the message names ${named}: ${error.message}`);
        assert.match(error.message.slice(named.length), c.message);
      }
      return true;
    });
  });
}

test('onnxruntime refuses a model that is not ONNX', async () => {
  await assert.rejects(
    loadPredictor(fixture('jax_m.h5'), { backend: 'onnxruntime' }),
    /^BackendError: Backend "onnxruntime" was requested, but .*jax_m\.h5 is not an ONNX model; onnxruntime runs only those\. Use --backend auto$/,
  );
});
