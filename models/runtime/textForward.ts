import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Tf } from './backend.js';
import type { Vocabulary } from '../text/vocabulary.js';

/** Texts in, class probabilities out: texts.length x classes, row-major. What a predictor runs on. */
export interface TextForward {
  probabilities(texts: readonly string[]): Float32Array;
  dispose(): void;
}

/** The reference forward pass: the texts' binary bag-of-words matrix through the TensorFlow.js model. */
export function tfjsTextForward(tf: Tf, model: LayersModel, vocabulary: Vocabulary): TextForward {
  const numWords = vocabulary.encoding.numWords;
  return {
    probabilities(texts) {
      const matrix = vocabulary.textsToMatrix(texts);
      return tf.tidy(() => (model.predict(tf.tensor2d(matrix, [texts.length, numWords])) as Tensor).dataSync() as Float32Array);
    },
    dispose() {
      model.dispose();
    },
  };
}
