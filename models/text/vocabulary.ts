import { textToWordSequence } from './wordSequence.js';
import { sequencesToMatrix, type MatrixMode } from './matrix.js';

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

/** A word index (word -> rank, 1 = most frequent) with the encoding a model was trained with. */
export class Vocabulary {
  readonly encoding: SequenceEncoding;
  private readonly index: ReadonlyMap<string, number>;

  constructor(index: ReadonlyMap<string, number>, encoding: SequenceEncoding) {
    this.index = index;
    this.encoding = encoding;
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
    return this.wordsToSequence(textToWordSequence(text));
  }

  /** Keras texts_to_matrix: texts_to_sequences then sequences_to_matrix. */
  textsToMatrix(texts: readonly string[], mode: MatrixMode = 'binary'): Float32Array {
    return sequencesToMatrix(texts.map((text) => this.textToSequence(text)), this.encoding.numWords, mode);
  }
}
