import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCorpus } from '../../models/data/synthetic.js';
import { REUTERS_TOPICS } from '../../models/data/topics.js';
import { textToWordSequence } from '../../models/text/wordSequence.js';

test('the same seed gives the same corpus, another seed another one', () => {
  const a = generateCorpus({ samples: 200, seed: 5 });
  const b = generateCorpus({ samples: 200, seed: 5 });
  const c = generateCorpus({ samples: 200, seed: 6 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.sequences, c.sequences);
});

test('46 Reuters topics in keras order, earn and acq the most frequent', () => {
  const corpus = generateCorpus({ samples: 3000, seed: 113 });
  assert.equal(REUTERS_TOPICS.length, 46);
  assert.deepEqual([REUTERS_TOPICS[0], REUTERS_TOPICS[3], REUTERS_TOPICS[4], REUTERS_TOPICS[45]], ['cocoa', 'earn', 'acq', 'lead']);
  const counts = new Array<number>(46).fill(0);
  for (const label of corpus.labels) counts[label]!++;
  const byFrequency = counts.map((count, label) => ({ count, label })).sort((x, y) => y.count - x.count);
  assert.deepEqual(
    byFrequency.slice(0, 2).map((entry) => REUTERS_TOPICS[entry.label]),
    ['earn', 'acq'],
  );
  // Reuters' skew: earn alone is about a third of the documents.
  assert.ok(byFrequency[0]!.count > 0.3 * 3000 && byFrequency[0]!.count < 0.4 * 3000, `earn has ${byFrequency[0]!.count} of 3000`);
});

test('word ranks are 1..V by corpus frequency, and every word survives Keras tokenisation', () => {
  const corpus = generateCorpus({ samples: 500, seed: 1 });
  const ranks = [...corpus.wordIndex.values()].sort((x, y) => x - y);
  assert.deepEqual(
    ranks,
    Array.from({ length: ranks.length }, (_, i) => i + 1),
  );
  assert.equal([...corpus.wordIndex.entries()].find(([, rank]) => rank === 1)?.[0], 'the');
  const counts = new Map<number, number>();
  for (const document of corpus.sequences) for (const rank of document) counts.set(rank, (counts.get(rank) ?? 0) + 1);
  for (let rank = 2; rank <= ranks.length; rank++) assert.ok(counts.get(rank - 1)! >= counts.get(rank)!, `rank ${rank - 1} is less frequent than rank ${rank}`);
  for (const word of corpus.wordIndex.keys()) assert.deepEqual(textToWordSequence(word), [word]);
});

test('bad sizes are refused', () => {
  assert.throws(() => generateCorpus({ samples: 0, seed: 1 }), /samples to be a positive integer, got 0/);
});
