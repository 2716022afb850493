import type { MatrixMode } from '../text/matrix.js';
import type { Vocabulary } from '../text/vocabulary.js';
import type { SyncEngine } from './engine.js';
import { runInBatches } from './inBatches.js';

/** Texts in, the model's outputs out: texts.length x outputs, row-major. What the sparse path is checked on. */
export interface TextForward {
  probabilities(texts: readonly string[]): Float32Array;
}

/** The reference forward pass: the texts' bag-of-words matrix through a TensorFlow.js engine. */
export function engineTextForward(engine: SyncEngine, vocabulary: Vocabulary, mode: MatrixMode): TextForward {
  return { probabilities: (texts) => runInBatches(engine, vocabulary.textsToMatrix(texts, mode), texts.length) };
}
