import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DatasetError, loadData, prepareData, readReutersNpz, readWordIndex } from '../../models/data/reuters.js';
import { FIXTURE_X, FIXTURE_Y, SAVEZ_COMPRESSED_BASE64 } from './numpyFixtures.js';
import { int64s, npy, pickleIntLists, zipOf } from './npzWriter.js';
import { tempDir } from './tempDir.js';

// Ten documents; document i is [i + 1, 10 * (i + 1)] with label i. RandomState(0).permutation(10)
// is [2, 8, 4, 9, 1, 6, 7, 3, 0, 5], so that is the order load_data must produce.
const XS = Array.from({ length: 10 }, (_, i) => [i + 1, 10 * (i + 1)]);
const LABELS = Array.from({ length: 10 }, (_, i) => i);
const ORDER = [2, 8, 4, 9, 1, 6, 7, 3, 0, 5];
const RAW = { xs: XS, labels: LABELS };

test('load_data: same-seed shuffle of x and y, start char, index_from, oov at num_words, split', () => {
  const { train, test: testSplit } = prepareData(RAW, { numWords: 40, testSplit: 0.25, seed: 0 });
  const expected = ORDER.map((i) => [1, i + 1 + 3, 10 * (i + 1) + 3 < 40 ? 10 * (i + 1) + 3 : 2]);
  // int(10 * (1 - 0.25)) == 7 training documents
  assert.deepEqual(train.x, expected.slice(0, 7));
  assert.deepEqual(train.y, ORDER.slice(0, 7));
  assert.deepEqual(testSplit.x, expected.slice(7));
  assert.deepEqual(testSplit.y, ORDER.slice(7));
  assert.deepEqual(train.x[0], [1, 6, 33]);
  assert.deepEqual(train.x[1], [1, 12, 2]);
});

test('load_data: skip_top, oov_char None drops, maxlen keeps only shorter documents, default num_words is the max', () => {
  const skipped = prepareData(RAW, { numWords: 1000, skipTop: 7, seed: 0, testSplit: 0 });
  // skip_top <= w: 1 and 6 fall below 7, 33 stays
  assert.deepEqual(skipped.train.x[0], [2, 2, 33]);
  assert.deepEqual(prepareData(RAW, { numWords: 1000, skipTop: 6, seed: 0, testSplit: 0 }).train.x[0], [2, 6, 33]);
  const dropped = prepareData(RAW, { numWords: 40, oovChar: null, seed: 0, testSplit: 0 });
  assert.deepEqual(dropped.train.x[1], [1, 12]);
  assert.equal(prepareData(RAW, { maxlen: 3, seed: 0 }).train.x.length + prepareData(RAW, { maxlen: 3, seed: 0 }).test.x.length, 0);
  assert.equal(prepareData(RAW, { maxlen: 4, seed: 0, testSplit: 0 }).train.x.length, 10);
  // num_words unset: the largest index (10 * 10 + 3) becomes the limit, so only it turns into oov.
  const all = prepareData(RAW, { seed: 0, testSplit: 0 });
  assert.deepEqual(all.train.x[3], [1, 13, 2]);
  assert.deepEqual(all.train.x[2], [1, 8, 53]);
  const noStart = prepareData(RAW, { seed: 0, testSplit: 0, startChar: null, numWords: 1000 });
  assert.deepEqual(noStart.train.x[0], [6, 33]);
});

test("loadData reads numpy's own reuters.npz and prepares it as load_data does", () => {
  const npz = path.join(tempDir('reuters'), 'reuters.npz');
  fs.writeFileSync(npz, Buffer.from(SAVEZ_COMPRESSED_BASE64, 'base64'));
  const options = { numWords: 400, testSplit: 0.25, seed: 0 };
  const loaded = loadData({ path: npz, ...options });
  assert.deepEqual(loaded, prepareData({ xs: FIXTURE_X, labels: FIXTURE_Y }, options));
  // RandomState(0).permutation(4) is [2, 3, 1, 0]; int(4 * 0.75) == 3 training documents.
  assert.deepEqual(loaded.train.y, [3, 1, 45]);
  assert.deepEqual(loaded.train.x[0], [1, 303, 2, 2], '300 + 3 stays under num_words, 70003 and 2**40 + 3 become oov');
});

test('the word index reads back as word -> rank', () => {
  const index = path.join(tempDir('reuters'), 'reuters_word_index.json');
  fs.writeFileSync(index, '{"the": 1, "of": 2}');
  assert.deepEqual(
    readWordIndex(index),
    new Map([
      ['the', 1],
      ['of', 2],
    ]),
  );
});

function writeNpz(members: Map<string, Buffer>): string {
  const file = path.join(tempDir('reuters'), 'reuters.npz');
  fs.writeFileSync(file, zipOf(members));
  return file;
}

const goodX = npy('|O', [2], pickleIntLists([[1, 2], [3]]));
const goodY = npy('<i8', [2], int64s([0, 0]));

test('dataset files of the wrong shape or type are refused with what was expected', () => {
  const check = (members: Map<string, Buffer>, pattern: RegExp): void => {
    assert.throws(
      () => readReutersNpz(writeNpz(members)),
      (error: Error) => error instanceof DatasetError && pattern.test(error.message),
    );
  };
  check(new Map([['x.npy', goodX]]), /expected members x\.npy and y\.npy, got "x\.npy"/);
  const ints = npy('<i8', [2], Buffer.alloc(16));
  check(
    new Map([
      ['x.npy', ints],
      ['y.npy', goodY],
    ]),
    /x\.npy: expected an object array \(dtype '\|O'\) of word-rank lists, got dtype "<i8"/,
  );
  check(
    new Map([
      ['x.npy', npy('|O', [1, 2], pickleIntLists([[1], [2]]))],
      ['y.npy', goodY],
    ]),
    /x\.npy: expected a 1-D array of documents, got shape \(1, 2\)/,
  );
  check(
    new Map([
      ['x.npy', npy('|O', [3], pickleIntLists([[1], [2]]))],
      ['y.npy', goodY],
    ]),
    /the header says shape \(3\), the pickled array has \(2\)/,
  );
  check(
    new Map([
      ['x.npy', goodX],
      ['y.npy', npy('<i8', [3], Buffer.alloc(24))],
    ]),
    /x\.npy holds 2 documents but y\.npy 3 labels/,
  );
  check(
    new Map([
      ['x.npy', goodX],
      ['y.npy', npy('<i8', [1, 2], Buffer.alloc(16))],
    ]),
    /y\.npy: expected a 1-D integer array, got shape \(1, 2\)/,
  );
  const negative = npy('|O', [2], pickleIntLists([[1, -2], [3]]));
  check(
    new Map([
      ['x.npy', negative],
      ['y.npy', goodY],
    ]),
    /expected document 0 to hold non-negative integers, got number -2/,
  );
});

test('missing and non-ZIP files are named in the error', () => {
  const dir = tempDir('reuters');
  assert.throws(() => readReutersNpz(path.join(dir, 'absent.npz')), /absent\.npz: cannot read the dataset \(reuters\.npz\) \(no such file\)/);
  const notZip = path.join(dir, 'reuters.npz');
  fs.writeFileSync(notZip, 'just text');
  assert.throws(() => readReutersNpz(notZip), /reuters\.npz: not a readable ZIP archive/);
  const index = path.join(dir, 'reuters_word_index.json');
  fs.writeFileSync(index, '["the"]');
  assert.throws(() => readWordIndex(index), /expected a JSON object of word -> rank, got an array/);
  fs.writeFileSync(index, '{"the": 0}');
  assert.throws(() => readWordIndex(index), /expected the rank of "the" to be an integer >= 1, got 0/);
});
