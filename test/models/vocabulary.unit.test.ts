import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KERAS_TOKENIZER_ENCODING, REUTERS_ENCODING, Vocabulary } from '../../models/text/vocabulary.js';
import { sequencesToMatrix } from '../../models/text/matrix.js';

const index = new Map([
  ['the', 1],
  ['cat', 2],
  ['sat', 3],
  ['on', 4],
  ['mat', 5],
]);

test('keras Tokenizer: words outside the index are dropped, indices >= num_words are cut', () => {
  const vocabulary = new Vocabulary(index, KERAS_TOKENIZER_ENCODING(4));
  // ranks 1 2 3 4 1 5 (dog unknown) -> keep < 4
  assert.deepEqual(vocabulary.textToSequence('The cat sat on the mat, dog!'), [1, 2, 3, 1]);
  assert.deepEqual(vocabulary.textToSequence(''), []);
});

test('num_words boundary: index num_words - 1 is kept, num_words is not', () => {
  assert.deepEqual(new Vocabulary(index, KERAS_TOKENIZER_ENCODING(5)).textToSequence('on mat'), [4]);
  assert.deepEqual(new Vocabulary(index, KERAS_TOKENIZER_ENCODING(6)).textToSequence('on mat'), [4, 5]);
});

test('reuters encoding: start char, ranks shifted by 3, out-of-vocabulary and cut words become 2', () => {
  const vocabulary = new Vocabulary(index, REUTERS_ENCODING(8));
  // the->4 cat->5 sat->6 on->7 the->4 mat->8 (>= 8: oov) dog (unknown: oov)
  assert.deepEqual(vocabulary.textToSequence('The cat sat on the mat dog'), [1, 4, 5, 6, 7, 4, 2, 2]);
  assert.deepEqual(vocabulary.textToSequence(''), [1]);
});

test('skip_top applies to every index, the start character included, as in load_data', () => {
  const vocabulary = new Vocabulary(index, { numWords: 8, indexFrom: 3, startChar: 1, oovChar: 2, skipTop: 5 });
  assert.deepEqual(vocabulary.textToSequence('the cat'), [2, 2, 5]);
});

test('sequences_to_matrix: binary, count and freq rows; indices >= num_words skipped', () => {
  const sequences = [[1, 4, 5, 4, 9], []];
  assert.deepEqual([...sequencesToMatrix(sequences, 6)], [0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...sequencesToMatrix(sequences, 6, 'count')], [0, 1, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...sequencesToMatrix([[1, 4, 4, 5]], 6, 'freq')], [0, 0.25, 0, 0, 0.5, 0.25]);
  assert.throws(() => sequencesToMatrix(sequences, 0), /numWords to be a positive integer, got 0/);
});

test('texts_to_matrix composes the two steps', () => {
  const vocabulary = new Vocabulary(index, REUTERS_ENCODING(8));
  assert.deepEqual([...vocabulary.textsToMatrix(['the cat', 'mat'])], [0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
});
