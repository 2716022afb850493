/**
 * A model's text pipeline, described by options next to a model file that does not describe its
 * input itself: the word index, num_words, and the Tokenizer.texts_to_matrix mode. Checked
 * against the model's input at load, so a word index that does not fit fails there, not later.
 */
import { ModelError } from '../model/modelError.js';
import type { MatrixMode } from './matrix.js';
import { KERAS_TOKENIZER_ENCODING, REUTERS_ENCODING, Vocabulary, type SequenceEncoding } from './vocabulary.js';
import { readWordIndexFile } from './wordIndexFile.js';

/**
 * load-data: keras.datasets' encoding (ranks + 3, start 1, out-of-vocabulary 2), for a model
 * trained on load_data() sequences with their get_word_index() file, as the Keras Reuters example
 * is; tokenizer: a Tokenizer's own indices. auto: tokenizer for a Tokenizer's to_json(), else load-data.
 */
export const TEXT_ENCODINGS = ['auto', 'load-data', 'tokenizer'] as const;
export type TextEncodingRequest = (typeof TEXT_ENCODINGS)[number];

export interface TextOptions {
  /** Path of the word index (word -> rank) or of a Tokenizer's to_json() */
  wordIndex: string;
  /** num_words; 0 or absent: the Tokenizer's, else the model's input width */
  numWords?: number;
  mode?: MatrixMode;
  encoding?: TextEncodingRequest;
}

export interface TextInput {
  vocabulary: Vocabulary;
  wordIndex: ReadonlyMap<string, number>;
  mode: MatrixMode;
  encoding: Exclude<TextEncodingRequest, 'auto'>;
  file: string;
}

function encodingFor(name: Exclude<TextEncodingRequest, 'auto'>, numWords: number, oovIndex: number | null): SequenceEncoding {
  if (name === 'load-data') return REUTERS_ENCODING(numWords);
  return { ...KERAS_TOKENIZER_ENCODING(numWords), oovChar: oovIndex };
}

/**
 * Reads the word index and checks it against the model input it will feed: `modelWidth` inputs
 * (the width of the model's [batch, numWords] input). `where` names the model in messages.
 */
export function readTextInput(options: TextOptions, modelWidth: number, where: string): TextInput {
  const { file, index, tokenizer } = readWordIndexFile(options.wordIndex);
  const encoding = options.encoding === undefined || options.encoding === 'auto' ? (tokenizer ? 'tokenizer' : 'load-data') : options.encoding;
  const mode = options.mode ?? 'binary';
  const numWords = options.numWords || tokenizer?.numWords || modelWidth;
  if (numWords !== modelWidth) {
    throw new ModelError(
      `${where}: takes ${modelWidth} inputs per row, but num-words is ${numWords}${options.numWords ? '' : ` (the num_words of the Tokenizer in ${file})`}; ` +
        'the word index and num-words must be the ones the model was trained with',
    );
  }
  if (tokenizer?.numWords != null && tokenizer.numWords !== numWords) {
    throw new ModelError(
      `${file}: a Tokenizer fitted with num_words=${tokenizer.numWords}, but num-words is ${numWords}: the word index does not match num-words`,
    );
  }
  if (mode === 'tfidf' && (tokenizer === null || tokenizer.documents.documents === 0)) {
    throw new ModelError(
      `${file}: text-mode tfidf weighs words by the document counts of a fitted Tokenizer; give its tokenizer.to_json() as word-index` +
        (tokenizer ? ' (this one has document_count 0)' : ', not a plain word index'),
    );
  }
  const oovIndex = tokenizer?.oovToken == null ? null : (index.get(tokenizer.oovToken) ?? null);
  const sequenceEncoding = encodingFor(encoding, numWords, oovIndex);
  // keras.datasets' indexes rank every word of their corpus: one that cannot reach every input
  // (ranks up to numWords - 1 - indexFrom) is not the index the model was trained with.
  if (encoding === 'load-data') {
    const needed = numWords - 1 - sequenceEncoding.indexFrom;
    let reached = 0;
    for (const rank of index.values()) if (rank <= needed) reached++;
    if (reached < needed) {
      throw new ModelError(
        `${file}: has ${reached} of the ranks 1..${needed} that num-words ${numWords} reaches ` +
          `with keras.datasets' encoding (ranks + ${sequenceEncoding.indexFrom}): ` +
          "the word index does not match num-words (for a Tokenizer's word index, set text-encoding = tokenizer)",
      );
    }
  }
  return {
    vocabulary: new Vocabulary(index, sequenceEncoding, tokenizer ? { splitting: tokenizer.splitting, documents: tokenizer.documents } : {}),
    wordIndex: index,
    mode,
    encoding,
    file,
  };
}
