export const MATRIX_MODES = ['binary', 'count', 'tfidf', 'freq'] as const;
export type MatrixMode = (typeof MATRIX_MODES)[number];

/** What a fitted keras Tokenizer knows of its corpus, which tfidf weighs words by. */
export interface DocumentCounts {
  /** Tokenizer.document_count */
  documents: number;
  /** Tokenizer.index_docs: word index -> how many documents held the word */
  indexDocs: ReadonlyMap<number, number>;
}

/**
 * keras Tokenizer.sequences_to_matrix: row i column j says whether (binary), how often (count),
 * which share of the row (freq) or how much, weighed by the corpus (tfidf: (1 + ln count) x
 * ln(1 + documents / (1 + documents with j))), index j occurs in sequence i. Indices >= numWords
 * are skipped, as in Keras. Row-major Float32Array, ready for tf.tensor2d(matrix, [rows, numWords]).
 */
export function sequencesToMatrix(
  sequences: readonly (readonly number[])[],
  numWords: number,
  mode: MatrixMode = 'binary',
  documents?: DocumentCounts,
): Float32Array {
  if (!Number.isInteger(numWords) || numWords < 1) throw new RangeError(`Expected numWords to be a positive integer, got ${numWords}`);
  if (mode === 'tfidf' && documents === undefined) throw new RangeError('Expected the document counts of a fitted Tokenizer for mode tfidf, got none');
  const matrix = new Float32Array(sequences.length * numWords);
  for (let row = 0; row < sequences.length; row++) {
    const sequence = sequences[row]!;
    const base = row * numWords;
    for (const j of sequence) {
      if (j >= numWords || j < 0) continue;
      if (mode === 'binary') matrix[base + j] = 1;
      else matrix[base + j]! += 1;
    }
    if (mode === 'freq' && sequence.length > 0) {
      for (let j = 0; j < numWords; j++) matrix[base + j]! /= sequence.length;
    } else if (mode === 'tfidf') {
      const { documents: count, indexDocs } = documents!;
      for (let j = 0; j < numWords; j++) {
        const c = matrix[base + j]!;
        if (c > 0) matrix[base + j] = (1 + Math.log(c)) * Math.log(1 + count / (1 + (indexDocs.get(j) ?? 0)));
      }
    }
  }
  return matrix;
}
