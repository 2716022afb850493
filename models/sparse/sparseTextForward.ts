import type { TextForward } from '../runtime/textForward.js';
import type { Vocabulary } from '../text/vocabulary.js';
import type { SparseForward } from './sparseForward.js';

/** The sparse forward pass on texts: word sequences, not a matrix, since it only needs the indices set. */
export function sparseTextForward(sparse: SparseForward, vocabulary: Vocabulary): TextForward {
  return { probabilities: (texts) => sparse.forward(texts.map((text) => vocabulary.textToSequence(text))) };
}
