import type { LayersModel } from '@tensorflow/tfjs';
import type { Tf } from '../../models/runtime/backend.js';
import { writeModelFiles } from '../../models/model/store.js';
import { KERAS_TOKENIZER_ENCODING, type SequenceEncoding } from '../../models/text/vocabulary.js';
import type { Predictor } from '../../models/predictor.js';
import { tempDir } from './tempDir.js';
import { classify, labelsOf } from './classify.js';

/** The word of rank r in the word indexes below: "w1" is the most frequent word. */
export const word = (rank: number): string => `w${rank}`;

/**
 * Saves a model built in the test with the project's own store, as `tidepool train` would: word
 * index "w1".."w<words>", labels "class0".."class<n-1>" for the model's n outputs.
 */
export async function saveSmallModel(tf: Tf, model: LayersModel, options: { numWords: number; words?: number; encoding?: SequenceEncoding }): Promise<string> {
  const { numWords, words = numWords + 20, encoding = KERAS_TOKENIZER_ENCODING(numWords) } = options;
  const dir = tempDir('small-model');
  const classes = model.outputs[0]!.shape[1] as number;
  await writeModelFiles(
    tf,
    model,
    dir,
    {
      format: 'tidepool-text-classifier',
      version: 1,
      numWords,
      encoding,
      labels: Array.from({ length: classes }, (_, k) => `class${k}`),
      trainedOn: 'not trained: weights from the initializers of a test',
      data: { kind: 'synthetic', seed: 1, samples: 10, train: 8, validation: 0, test: 2 },
      split: { seed: 1, testSplit: 0.2, validationSplit: 0 },
      training: { epochs: 1, batchSize: 1, bestEpoch: 1, backend: 'none', createdAt: new Date(0).toISOString() },
      metrics: {},
    },
    new Map(Array.from({ length: words }, (_, i) => [word(i + 1), i + 1])),
  );
  return dir;
}

/** Every class probability of every text, by class index (predict() only exposes them through top). */
export async function allProbabilities(predictor: Predictor, texts: string[]): Promise<number[][]> {
  const classes = labelsOf(predictor).length;
  return (await classify(predictor, texts, { top: classes })).map((prediction) => {
    const row = new Array<number>(classes).fill(NaN);
    for (const score of prediction.top!) row[score.index] = score.probability;
    return row;
  });
}

/** The largest difference between two equally shaped tables of probabilities. */
export function maxDifference(a: number[][], b: number[][]): number {
  if (a.length !== b.length) throw new RangeError(`Expected tables of equal length, got ${a.length} and ${b.length}`);
  let max = 0;
  a.forEach((row, r) => row.forEach((value, c) => (max = Math.max(max, Math.abs(value - b[r]![c]!)))));
  return max;
}

/** Deterministic texts over a "w<rank>" vocabulary: empty, single words, many words, repeats, ranks past the index. */
export function sampleTexts(words: number, count = 24): string[] {
  let state = 12345;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const texts = ['', `${word(1)} ${word(1)} ${word(1)}`, `${word(words)} ${word(words + 5)} unknownword`];
  while (texts.length < count) texts.push(Array.from({ length: 1 + next(40) }, () => word(1 + next(words + 10))).join(' '));
  return texts;
}
