import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KERAS_FILTERS, textToWordSequence } from '../../models/text/wordSequence.js';

// Expectations are what keras.preprocessing.text.text_to_word_sequence returns for the same input.
test('punctuation is replaced by the split character, then empty words are dropped', () => {
  assert.deepEqual(textToWordSequence('Hello, World!'), ['hello', 'world']);
  assert.deepEqual(textToWordSequence('U.S. prices rose 3.5 pct (vs 2.1)'), ['u', 's', 'prices', 'rose', '3', '5', 'pct', 'vs', '2', '1']);
  assert.deepEqual(textToWordSequence('  multiple   spaces  '), ['multiple', 'spaces']);
  assert.deepEqual(textToWordSequence('!!!...'), []);
});

test('the apostrophe is not a filter, tab and newline are, carriage return is not', () => {
  assert.deepEqual(textToWordSequence("don't stop"), ["don't", 'stop']);
  assert.deepEqual(textToWordSequence('a\tb\nc\r\nd'), ['a', 'b', 'c\r', 'd']);
  assert.equal(KERAS_FILTERS.includes("'"), false);
});

test('empty text gives no words', () => {
  assert.deepEqual(textToWordSequence(''), []);
  assert.deepEqual(textToWordSequence(' '), []);
});

test('unicode: lowercased like Python str.lower, only the split character separates words', () => {
  assert.deepEqual(textToWordSequence('ÉTÉ Ünïcödé'), ['été', 'ünïcödé']);
  // Final sigma: Python 'ΟΔΟΣ'.lower() == 'οδος' with a final ς, and so does JS.
  assert.deepEqual(textToWordSequence('ΟΔΟΣ'), ['οδος']);
  // 'İ'.lower() is 'i' + U+0307 (two code points) in both languages.
  assert.deepEqual(textToWordSequence('İ'), ['i\u0307']);
  // A no-break space is not ' ': Keras keeps it inside the word.
  assert.deepEqual(textToWordSequence('a\u00a0b c'), ['a\u00a0b', 'c']);
  // Astral characters stay whole.
  assert.deepEqual(textToWordSequence('hi 😀!'), ['hi', '😀']);
});

test('lower, filters and split options behave as in Keras', () => {
  assert.deepEqual(textToWordSequence('Hello World', KERAS_FILTERS, false), ['Hello', 'World']);
  assert.deepEqual(textToWordSequence('a-b,c d', '-'), ['a', 'b,c', 'd']);
  assert.deepEqual(textToWordSequence('a|b|c', '', true, '|'), ['a', 'b', 'c']);
  // Python: 'a, b'.translate(',' -> ', ') == 'a,  b'; .split(', ') == ['a', ' b'].
  assert.deepEqual(textToWordSequence('a, b', KERAS_FILTERS, true, ', '), ['a', ' b']);
  assert.throws(() => textToWordSequence('a b', KERAS_FILTERS, true, ''), /split to be a non-empty string/);
});
