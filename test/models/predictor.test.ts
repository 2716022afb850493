import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MODEL_DIR, loadPredictor } from '../../models/predictor.js';
import { classify, labelsOf } from './classify.js';

const DEMO = 'this is a news sample text about sports, and football in specific';

test('the shipped model loads on the best available backend and describes itself', async () => {
  const predictor = await loadPredictor(DEFAULT_MODEL_DIR);
  try {
    assert.equal(predictor.backend.requested, 'auto');
    assert.ok(['tfjs-node', 'wasm', 'cpu', 'sparse'].includes(predictor.backend.name));
    assert.match(predictor.backend.detail, new RegExp(`^${predictor.backend.name}`));
    if (predictor.backend.name !== 'tfjs-node')
      assert.ok(
        predictor.backend.notes.some((note) => note.startsWith('tfjs-node:')),
        'notes say why tfjs-node was not used',
      );
    const { info } = predictor;
    assert.equal(info.input.kind === 'text' && info.input.numWords, 1000);
    assert.equal(labelsOf(predictor).length, 46);
    assert.deepEqual([info.source, info.format, info.fixedBatch], [DEFAULT_MODEL_DIR, 'tidepool', null]);
    assert.match(info.producer, /^tidepool train: synthetic/);
    const metadata = JSON.parse(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'metadata.json'), 'utf8')) as { metrics: { testAccuracy: number } };
    assert.ok(metadata.metrics.testAccuracy > 0.5);
  } finally {
    predictor.dispose();
  }
});

test('the classic demo request gets a prediction; topical texts get their topic', async () => {
  const predictor = await loadPredictor(DEFAULT_MODEL_DIR);
  try {
    const earningsText = 'Shr 32 cts vs 28 cts net profit qtr revs 80.2 mln quarterly dividend';
    const [demo, earnings, oil, empty] = await classify(predictor, [DEMO, earningsText, 'OPEC crude oil output barrels bpd Saudi', '']);
    assert.ok(Number.isInteger(demo!.prediction) && demo!.prediction >= 0 && demo!.prediction < 46);
    assert.equal(demo!.label, labelsOf(predictor)[demo!.prediction]);
    assert.ok(demo!.probability > 0 && demo!.probability <= 1);
    assert.equal(demo!.top, undefined);
    assert.equal(earnings!.label, 'earn');
    assert.equal(oil!.label, 'crude');
    assert.ok(empty!.probability > 0, 'an empty text still gets a class');
  } finally {
    predictor.dispose();
  }
});

test('top-k scores are sorted, start with the prediction, and cover all probability mass at k = 46', async () => {
  const predictor = await loadPredictor(DEFAULT_MODEL_DIR);
  try {
    const [result] = await classify(predictor, [DEMO], { top: 46 });
    const top = result!.top!;
    assert.equal(top.length, 46);
    assert.deepEqual(top[0], { index: result!.prediction, label: result!.label, probability: result!.probability });
    for (let k = 1; k < top.length; k++) assert.ok(top[k - 1]!.probability >= top[k]!.probability);
    assert.ok(Math.abs(top.reduce((sum, score) => sum + score.probability, 0) - 1) < 1e-4);
    assert.equal((await classify(predictor, [DEMO], { top: 3 }))[0]!.top!.length, 3);
    // A batch answers each text as if it came alone.
    const alone = (await classify(predictor, ['grain wheat tonnes']))[0]!;
    const batched = (await classify(predictor, [DEMO, 'grain wheat tonnes']))[1]!;
    assert.equal(batched.prediction, alone.prediction);
    assert.ok(Math.abs(batched.probability - alone.probability) < 1e-5);
  } finally {
    predictor.dispose();
  }
});

test('bad input is refused with what was expected and what came', async () => {
  const predictor = await loadPredictor(DEFAULT_MODEL_DIR);
  assert.deepEqual(predictor.predict([]), []);
  assert.throws(() => predictor.predict(['ok', 42 as unknown as string]), /Expected texts\[1\] to be a string, got number/);
  assert.throws(() => predictor.predict('text' as unknown as string[]), /Expected texts \(an array of strings\) for this text model, got string/);
  assert.throws(() => predictor.predict(['x'], { top: 0 }), /Expected top to be an integer from 1 to 46, got 0/);
  assert.throws(() => predictor.predict(['x'], { top: 47 }), /got 47/);
  predictor.dispose();
  assert.throws(() => predictor.predict(['x']), /was disposed/);
});

test('an explicitly requested backend that cannot load is an error, and cpu gives the same answers', async () => {
  let nativeAvailable = true;
  try {
    await import('@tensorflow/tfjs-node' as string);
  } catch {
    nativeAvailable = false;
  }
  if (!nativeAvailable)
    await assert.rejects(loadPredictor(DEFAULT_MODEL_DIR, { backend: 'tfjs-node' }), /Backend "tfjs-node" was requested but cannot load: .*use --backend wasm/);
  const gpu = loadPredictor(DEFAULT_MODEL_DIR, { backend: 'gpu' as 'cpu' });
  await assert.rejects(gpu, /Expected backend to be one of auto, tfjs-node, wasm, cpu, sparse, onnxruntime, got "gpu"/);

  const wasm = await loadPredictor(DEFAULT_MODEL_DIR, { backend: 'wasm' });
  assert.equal(wasm.backend.name, 'wasm');
  const texts = [DEMO, 'gold ounces bullion mine', 'the dollar fell against the yen'];
  const fast = await classify(wasm, texts);
  wasm.dispose();
  const cpu = await loadPredictor(DEFAULT_MODEL_DIR, { backend: 'cpu' });
  assert.deepEqual(cpu.backend, {
    requested: 'cpu',
    name: 'cpu',
    detail: 'cpu (pure JavaScript)',
    notes: ['cpu: requested explicitly (pure JavaScript, about 8x slower than wasm)'],
  });
  const slow = await classify(cpu, texts);
  cpu.dispose();
  assert.deepEqual(
    slow.map((p) => p.prediction),
    fast.map((p) => p.prediction),
  );
  slow.forEach((p, i) => assert.ok(Math.abs(p.probability - fast[i]!.probability) < 1e-4));
});
