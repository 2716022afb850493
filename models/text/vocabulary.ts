import { KERAS_FILTERS, textToWordSequence } from './wordSequence.js';
import { sequencesToMatrix, type DocumentCounts, type MatrixMode } from './matrix.js';

/**
 * How words become indices. `keras.datasets.reuters.load_data` shifts every word rank by
 * `indexFrom`, prepends `startChar`, and turns indices outside [skipTop, numWords) into
 * `oovChar`; a plain keras Tokenizer is { indexFrom: 0, startChar: null, oovChar: null,
 * skipTop: 0 }, which drops words outside the index or at/after numWords.
 */
export interface SequenceEncoding {
  numWords: number;
  indexFrom: number;
  startChar: number | null;
  oovChar: number | null;
  skipTop: number;
}

export const KERAS_TOKENIZER_ENCODING = (numWords: number): SequenceEncoding => ({ numWords, indexFrom: 0, startChar: null, oovChar: null, skipTop: 0 });

export const REUTERS_ENCODING = (numWords: number): SequenceEncoding => ({ numWords, indexFrom: 3, startChar: 1, oovChar: 2, skipTop: 0 });

/** How a keras Tokenizer splits a text into words (its filters, lower and split arguments). */
export interface WordSplitting {
  filters: string;
  lower: boolean;
  split: string;
}

export const KERAS_SPLITTING: WordSplitting = { filters: KERAS_FILTERS, lower: true, split: ' ' };

/**
 * A word index (word -> rank, 1 = most frequent) with the encoding a model was trained with, and
 * for tfidf the document counts of the Tokenizer that made it.
 */
export class Vocabulary {
  readonly encoding: SequenceEncoding;
  readonly documents: DocumentCounts | undefined;
  private readonly index: ReadonlyMap<string, number>;
  private readonly splitting: WordSplitting;

  constructor(index: ReadonlyMap<string, number>, encoding: SequenceEncoding, options: { splitting?: WordSplitting; documents?: DocumentCounts } = {}) {
    this.index = index;
    this.encoding = encoding;
    this.splitting = options.splitting ?? KERAS_SPLITTING;
    this.documents = options.documents;
  }

  get size(): number {
    return this.index.size;
  }

  rank(word: string): number | undefined {
    return this.index.get(word);
  }

  /** Same filtering as load_data, which also applies it to the start character. */
  private keep(i: number, out: number[]): void {
    const { numWords, skipTop, oovChar } = this.encoding;
    if (i >= skipTop && i < numWords) out.push(i);
    else if (oovChar !== null) out.push(oovChar);
  }

  wordsToSequence(words: readonly string[]): number[] {
    const { startChar, oovChar, indexFrom } = this.encoding;
    const out: number[] = [];
    if (startChar !== null) this.keep(startChar, out);
    for (const word of words) {
      const rank = this.index.get(word);
      if (rank !== undefined) this.keep(rank + indexFrom, out);
      else if (oovChar !== null) out.push(oovChar);
    }
    return out;
  }

  /** Keras texts_to_sequences for one text, with this vocabulary's encoding. */
  textToSequence(text: string): number[] {
    const { filters, lower, split } = this.splitting;
    return this.wordsToSequence(textToWordSequence(text, filters, lower, split));
  }

  /** Keras texts_to_matrix: texts_to_sequences then sequences_to_matrix. */
  textsToMatrix(texts: readonly string[], mode: MatrixMode = 'binary'): Float32Array {
    return sequencesToMatrix(
      texts.map((text) => this.textToSequence(text)),
      this.encoding.numWords,
      mode,
      this.documents,
    );
  }
}
