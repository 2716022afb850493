import type { LayersModel } from '@tensorflow/tfjs';
import type { Tf } from '../runtime/backend.js';

export interface MlpShape {
  numWords: number;
  numClasses: number;
  hiddenUnits: number;
  dropout: number;
  seed: number;
}

/**
 * The Keras "Reuters MLP" example: Dense(512, relu) -> Dropout(0.5) -> Dense(46, softmax),
 * Adam, categorical cross-entropy, accuracy. Initializers are seeded so a run is repeatable
 * up to fit()'s own batch shuffling.
 */
export function buildMlp(tf: Tf, shape: MlpShape): LayersModel {
  const model = tf.sequential({ name: 'reuters_mlp' });
  model.add(
    tf.layers.dense({
      inputShape: [shape.numWords],
      units: shape.hiddenUnits,
      activation: 'relu',
      name: 'hidden',
      kernelInitializer: tf.initializers.glorotUniform({ seed: shape.seed }),
    }),
  );
  model.add(tf.layers.dropout({ rate: shape.dropout, seed: shape.seed + 1, name: 'dropout' }));
  model.add(
    tf.layers.dense({
      units: shape.numClasses,
      activation: 'softmax',
      name: 'topic',
      kernelInitializer: tf.initializers.glorotUniform({ seed: shape.seed + 2 }),
    }),
  );
  model.compile({ optimizer: tf.train.adam(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
