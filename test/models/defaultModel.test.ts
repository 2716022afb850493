import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MODEL_DIR, loadPredictor } from '../../models/predictor.js';
import { classify } from './classify.js';
import { parseMetadata } from '../../models/model/metadata.js';
import { generateCorpus } from '../../models/data/synthetic.js';
import { prepareData } from '../../models/data/reuters.js';

const metadata = parseMetadata(JSON.parse(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'metadata.json'), 'utf8')), 'metadata.json');

test('the shipped model records a test accuracy far above chance (1/46)', () => {
  const accuracy = metadata.metrics.testAccuracy!;
  assert.ok(accuracy > 10 / 46, `recorded test accuracy ${accuracy} is not far above chance ${1 / 46}`);
  assert.equal(metadata.data.kind, 'synthetic');
  assert.equal(metadata.labels.length, 46);
});

test('the recorded test accuracy is real: predicting the rebuilt test split as text reproduces it', async () => {
  assert.equal(metadata.data.kind, 'synthetic');
  if (metadata.data.kind !== 'synthetic') return;
  // Rebuild the exact test split: same corpus, same load_data shuffle and cut, but keep raw ranks
  // so each document can be turned back into text and go through the whole serving path.
  const corpus = generateCorpus({ samples: metadata.data.samples, seed: metadata.data.seed });
  const { test: split } = prepareData(
    { xs: corpus.sequences, labels: corpus.labels },
    { seed: metadata.split.seed, testSplit: metadata.split.testSplit, startChar: null, oovChar: null, indexFrom: 0, numWords: Number.MAX_SAFE_INTEGER },
  );
  assert.equal(split.x.length, metadata.data.test);
  const wordOf = new Map([...corpus.wordIndex].map(([word, rank]) => [rank, word]));
  const texts = split.x.map((ranks) => ranks.map((rank) => wordOf.get(rank)!).join(' '));

  const predictor = await loadPredictor(DEFAULT_MODEL_DIR);
  try {
    const predictions = await classify(predictor, texts);
    const correct = predictions.filter((prediction, i) => prediction.prediction === split.y[i]).length;
    const accuracy = correct / texts.length;
    assert.ok(Math.abs(accuracy - metadata.metrics.testAccuracy!) < 0.005, `predicted accuracy ${accuracy} vs recorded ${metadata.metrics.testAccuracy}`);
  } finally {
    predictor.dispose();
  }
});
