/**
 * The text pipeline of a user's model, against what keras' Tokenizer computes. The Tokenizer
 * below is what `Tokenizer(num_words=6, oov_token='<OOV>').fit_on_texts(["The cat sat on the
 * mat", "The dog sat", "a dog"])` holds, written as its to_json() writes it; the expected rows
 * are texts_to_matrix(["the dog ate the cat"], mode) worked out from Keras' formulas.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readTextInput } from '../../models/text/textInput.js';
import { MATRIX_MODES, type MatrixMode } from '../../models/text/matrix.js';
import { readLabels } from '../../models/output/labels.js';
import { tempDir } from './tempDir.js';

const dir = tempDir('text-input');

const WORD_INDEX = { '<OOV>': 1, the: 2, sat: 3, dog: 4, cat: 5, on: 6, mat: 7, a: 8 };
function tokenizerJson(config: Record<string, unknown> = {}): string {
  const file = path.join(dir, `tokenizer-${Math.random().toString(36).slice(2)}.json`);
  const full = {
    num_words: 6,
    filters: '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n',
    lower: true,
    split: ' ',
    char_level: false,
    oov_token: '<OOV>',
    document_count: 3,
    word_counts: JSON.stringify({ the: 3, cat: 1, sat: 2, on: 1, mat: 1, dog: 2, a: 1 }),
    word_docs: JSON.stringify({ the: 2, cat: 1, sat: 2, on: 1, mat: 1, dog: 2, a: 1 }),
    index_docs: JSON.stringify({ 2: 2, 5: 1, 3: 2, 6: 1, 7: 1, 4: 2, 8: 1 }),
    index_word: JSON.stringify(Object.fromEntries(Object.entries(WORD_INDEX).map(([w, i]) => [i, w]))),
    word_index: JSON.stringify(WORD_INDEX),
    ...config,
  };
  fs.writeFileSync(file, JSON.stringify({ class_name: 'Tokenizer', config: full }));
  return file;
}

const ln = Math.log;
const EXPECTED: Record<MatrixMode, number[]> = {
  binary: [0, 1, 1, 0, 1, 1],
  count: [0, 1, 2, 0, 1, 1],
  freq: [0, 0.2, 0.4, 0, 0.2, 0.2],
  // (1 + ln count) x ln(1 + 3 / (1 + documents with the word)); the OOV index is in no document.
  tfidf: [0, ln(4), (1 + ln(2)) * ln(2), 0, ln(2), ln(2.5)],
};

for (const mode of MATRIX_MODES) {
  test(`a Tokenizer's to_json(), mode ${mode}: Keras' texts_to_matrix, with its oov_token and num_words`, () => {
    const text = readTextInput({ wordIndex: tokenizerJson(), mode }, 6, 'model.h5');
    assert.equal(text.encoding, 'tokenizer');
    const row = Array.from(text.vocabulary.textsToMatrix(['the dog ate the cat'], mode));
    row.forEach((v, j) => assert.ok(Math.abs(v - EXPECTED[mode][j]!) < 1e-6, `column ${j}: ${v} vs ${EXPECTED[mode][j]}`));
  });
}

test("a word ranked at or past num_words becomes the OOV index; the Tokenizer's own lower and filters apply", () => {
  const text = readTextInput({ wordIndex: tokenizerJson() }, 6, 'model.h5');
  assert.deepEqual(text.vocabulary.textToSequence('mat, the MAT!'), [1, 2, 1]);
  const strict = readTextInput({ wordIndex: tokenizerJson({ lower: false, filters: '' }) }, 6, 'model.h5');
  assert.deepEqual(strict.vocabulary.textToSequence('The the, dog'), [1, 1, 4]);
});

test('a plain word index: load_data encoding by default, or the Tokenizer encoding when asked', () => {
  const file = path.join(dir, 'plain.json');
  fs.writeFileSync(file, JSON.stringify(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`w${i + 1}`, i + 1]))));
  const datasets = readTextInput({ wordIndex: file }, 12, 'model.h5');
  assert.equal(datasets.encoding, 'load-data');
  // start 1, ranks + 3, and 2 for what is out of vocabulary or past num_words.
  assert.deepEqual(datasets.vocabulary.textToSequence('w1 w8 w9 nothing'), [1, 4, 11, 2, 2]);
  const tokenizer = readTextInput({ wordIndex: file, encoding: 'tokenizer' }, 12, 'model.h5');
  assert.deepEqual(tokenizer.vocabulary.textToSequence('w1 w8 w12 nothing'), [1, 8]);
  assert.throws(
    () => readTextInput({ wordIndex: file, mode: 'tfidf', encoding: 'tokenizer' }, 12, 'model.h5'),
    /plain\.json: text-mode tfidf weighs words by the document counts of a fitted Tokenizer; give its .*, not a plain word index$/,
  );
  assert.throws(
    () => readTextInput({ wordIndex: path.join(dir, 'none.json') }, 12, 'model.h5'),
    /none\.json: missing; expected the word index \(word-index\) of the text model$/,
  );
});

test('bad word indexes are refused naming the file and the word', () => {
  const write = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  assert.throws(() => readTextInput({ wordIndex: write('a.json', '{"oil": 0}') }, 4, 'm'), /a\.json: expected the rank of "oil" to be an integer >= 1, got 0$/);
  assert.throws(
    () => readTextInput({ wordIndex: write('b.json', '{"oil": 1, "gas": 1}') }, 4, 'm'),
    /b\.json: expected distinct ranks, got rank 1 for both "oil" and "gas"$/,
  );
  assert.throws(
    () => readTextInput({ wordIndex: write('c.json', '["oil"]') }, 4, 'm'),
    /c\.json: expected the word index to be an object of word -> rank, got an array$/,
  );
  assert.throws(() => readTextInput({ wordIndex: write('d.json', '{oil') }, 4, 'm'), /d\.json: expected the word index as JSON, got unparsable text/);
  assert.throws(
    () => readTextInput({ wordIndex: tokenizerJson({ char_level: true }) }, 6, 'm'),
    /a character-level Tokenizer \(char_level=True\); tidepool's text pipeline splits words$/,
  );
});

test('labels: one per line or a JSON array, as many as the classes', () => {
  const lines = path.join(dir, 'labels.txt');
  fs.writeFileSync(lines, 'earn\nacq\r\ncrude\n\n');
  assert.deepEqual(readLabels(lines, 3), ['earn', 'acq', 'crude']);
  const json = path.join(dir, 'labels.json');
  fs.writeFileSync(json, '["cat", "dog", 7]');
  assert.deepEqual(readLabels(json, 3), ['cat', 'dog', '7']);
  assert.throws(() => readLabels(json, 4), /labels\.json: has 3 labels, but the model's output has 4 classes$/);
  assert.throws(() => readLabels(path.join(dir, 'nope.txt'), 4), /nope\.txt: missing; expected the class names \(labels\), one per line or a JSON array$/);
});
