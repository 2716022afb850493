export type MatrixMode = 'binary' | 'count' | 'freq';

/**
 * keras Tokenizer.sequences_to_matrix for the modes that need no fitted document counts:
 * row i column j says whether (binary), how often (count) or which share of the row (freq)
 * index j occurs in sequence i. Indices >= numWords are skipped, as in Keras.
 * Row-major Float32Array, ready for tf.tensor2d(matrix, [sequences.length, numWords]).
 */
export function sequencesToMatrix(sequences: readonly (readonly number[])[], numWords: number, mode: MatrixMode = 'binary'): Float32Array {
  if (!Number.isInteger(numWords) || numWords < 1) throw new RangeError(`Expected numWords to be a positive integer, got ${numWords}`);
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
    }
  }
  return matrix;
}
