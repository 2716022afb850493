import path from 'node:path';
import { EventEmitter } from 'node:events';
import type { Tensor } from '@tensorflow/tfjs';
import { selectBackend, type BackendChoice } from '../runtime/backend.js';
import { buildMlp } from '../model/architecture.js';
import { writeModelFiles } from '../model/store.js';
import type { DataSource, ModelMetadata } from '../model/metadata.js';
import { generateCorpus } from '../data/synthetic.js';
import { loadData, prepareData, readWordIndex, NPZ_FILE, WORD_INDEX_FILE, type LoadedData } from '../data/reuters.js';
import { REUTERS_TOPICS } from '../data/topics.js';
import { REUTERS_ENCODING } from '../text/vocabulary.js';
import { sequencesToMatrix } from '../text/matrix.js';
import type { TrainOptions } from './options.js';
import type { BatchState, EpochLine } from './progress.js';

export interface DataSummary {
  description: string;
  train: number;
  validation: number;
  test: number;
}

export interface TrainResult {
  out: string;
  bestEpoch: number;
  classes: number;
  test: number;
  metrics: Record<string, number>;
  metadata: ModelMetadata;
}

export type TrainEvents = {
  backend: [BackendChoice];
  data: [DataSummary];
  batchEnd: [BatchState];
  epochEnd: [EpochLine];
  done: [TrainResult];
};

interface Dataset {
  loaded: LoadedData;
  wordIndex: Map<string, number>;
  data: DataSource;
  description: string;
}

/**
 * Real files go through Keras' reader; the synthetic corpus is already the raw data that reader
 * returns, so it goes straight to the same load_data preparation (shuffle, offsets, split).
 */
function readDataset(options: TrainOptions): Dataset {
  const split = { numWords: options.numWords, testSplit: options.testSplit, seed: options.seed };
  if (options.data !== null) {
    const npz = path.join(options.data, NPZ_FILE);
    const index = path.join(options.data, WORD_INDEX_FILE);
    return {
      loaded: loadData({ path: npz, ...split }),
      wordIndex: readWordIndex(index),
      data: { kind: 'files', npz, wordIndex: index },
      description: `Reuters files ${npz}`,
    };
  }
  const corpus = generateCorpus({ samples: options.samples, seed: options.seed });
  return {
    loaded: prepareData({ xs: corpus.sequences, labels: corpus.labels }, split),
    wordIndex: corpus.wordIndex,
    data: { kind: 'synthetic', seed: options.seed, samples: options.samples },
    description: `synthetic Reuters-like corpus (seed ${options.seed}, ${options.samples} documents)`,
  };
}

function oneHot(labels: readonly number[], classes: number): Float32Array {
  const matrix = new Float32Array(labels.length * classes);
  labels.forEach((label, row) => (matrix[row * classes + label] = 1));
  return matrix;
}

/**
 * Trains the Reuters MLP as the Keras example does (fit with validation_split, then evaluate on
 * the test split), keeping the weights of the epoch with the best validation accuracy, and
 * writes the model directory. Progress goes out as events; rendering is someone else's job.
 */
export async function train(options: TrainOptions, events: EventEmitter<TrainEvents> = new EventEmitter<TrainEvents>()): Promise<TrainResult> {
  const started = performance.now();
  const { tf, backend } = await selectBackend(options.backend);
  events.emit('backend', backend);

  const dataset = readDataset(options);
  const { train: trainSplit, test: testSplit } = dataset.loaded;
  const maxLabel = [...trainSplit.y, ...testSplit.y].reduce((max, label) => Math.max(max, label), 0);
  if (maxLabel >= REUTERS_TOPICS.length)
    throw new RangeError(`${dataset.description}: label ${maxLabel} has no Reuters topic name (expected labels 0-${REUTERS_TOPICS.length - 1})`);
  const classes = REUTERS_TOPICS.length;
  const trainCount = trainSplit.x.length;
  const validation = trainCount - Math.floor(trainCount * (1 - options.validationSplit));
  if (trainCount - validation < 1)
    throw new RangeError(`${dataset.description}: no training documents are left after the test and validation splits; use more --samples`);
  if (testSplit.x.length < 1) throw new RangeError(`${dataset.description}: the test split is empty; use more --samples or a larger --test-split`);
  events.emit('data', { description: dataset.description, train: trainCount - validation, validation, test: testSplit.x.length });

  const model = buildMlp(tf, {
    numWords: options.numWords,
    numClasses: classes,
    hiddenUnits: options.hiddenUnits,
    dropout: options.dropout,
    seed: options.seed,
  });
  const xTrain = tf.tensor2d(sequencesToMatrix(trainSplit.x, options.numWords), [trainCount, options.numWords]);
  const yTrain = tf.tensor2d(oneHot(trainSplit.y, classes), [trainCount, classes]);
  const xTest = tf.tensor2d(sequencesToMatrix(testSplit.x, options.numWords), [testSplit.x.length, options.numWords]);
  const yTest = tf.tensor2d(oneHot(testSplit.y, classes), [testSplit.x.length, classes]);

  const batches = Math.ceil((trainCount - validation) / options.batchSize);
  let epoch = 0;
  let epochStarted = 0;
  let running = { loss: 0, acc: 0 };
  let best = { epoch: 0, valAcc: -Infinity, acc: 0, loss: 0, valLoss: NaN, weights: [] as Float32Array[] };
  try {
    await model.fit(xTrain, yTrain, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      validationSplit: options.validationSplit,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onEpochBegin: (index) => {
          epoch = index + 1;
          epochStarted = performance.now();
          running = { loss: 0, acc: 0 };
        },
        onBatchEnd: (batch, logs) => {
          // Show the epoch's running mean, as Keras' bar does: one batch's numbers jump around.
          running.loss += logs?.loss ?? NaN;
          running.acc += logs?.acc ?? NaN;
          events.emit('batchEnd', {
            epoch,
            epochs: options.epochs,
            batch: batch + 1,
            batches,
            loss: running.loss / (batch + 1),
            acc: running.acc / (batch + 1),
          });
        },
        onEpochEnd: (_index, logs) => {
          const valAcc = logs?.val_acc ?? null;
          // Without a validation split every epoch "improves": the last one is kept, as Keras would.
          const score = valAcc ?? epoch;
          const isBest = score > best.valAcc;
          if (isBest) {
            best = {
              epoch,
              valAcc: score,
              acc: logs?.acc ?? NaN,
              loss: logs?.loss ?? NaN,
              valLoss: logs?.val_loss ?? NaN,
              weights: model.getWeights().map((w) => w.dataSync() as Float32Array),
            };
          }
          events.emit('epochEnd', {
            epoch,
            epochs: options.epochs,
            batches,
            loss: logs?.loss ?? NaN,
            acc: logs?.acc ?? NaN,
            valLoss: logs?.val_loss ?? null,
            valAcc,
            seconds: (performance.now() - epochStarted) / 1000,
            best: isBest,
          });
        },
      },
    });
    // The best checkpoint: put its weights back before testing and saving.
    const current = model.getWeights();
    model.setWeights(best.weights.map((values, i) => tf.tensor(values, current[i]!.shape)));
    const [testLoss, testAcc] = (model.evaluate(xTest, yTest, { batchSize: options.batchSize }) as Tensor[]).map((t) => t.dataSync()[0]!);
    const seconds = (performance.now() - started) / 1000;
    const metrics: Record<string, number> = {
      testAccuracy: testAcc!,
      testLoss: testLoss!,
      trainAccuracy: best.acc,
      trainLoss: best.loss,
      ...(validation > 0 ? { valAccuracy: best.valAcc, valLoss: best.valLoss } : {}),
      epochs: options.epochs,
      seconds,
    };
    const counts = { train: trainCount - validation, validation, test: testSplit.x.length };
    const metadata = await writeModelFiles(
      tf,
      model,
      options.out,
      {
        format: 'tidepool-text-classifier',
        version: 1,
        numWords: options.numWords,
        encoding: REUTERS_ENCODING(options.numWords),
        labels: [...REUTERS_TOPICS],
        trainedOn: `${dataset.description}: ${counts.train} train / ${counts.validation} validation / ${counts.test} test`,
        data: { ...dataset.data, ...counts },
        split: { seed: options.seed, testSplit: options.testSplit, validationSplit: options.validationSplit },
        training: { epochs: options.epochs, batchSize: options.batchSize, bestEpoch: best.epoch, backend: backend.detail, createdAt: new Date().toISOString() },
        metrics,
      },
      dataset.wordIndex,
    );
    const result: TrainResult = { out: options.out, bestEpoch: best.epoch, classes, test: counts.test, metrics, metadata };
    events.emit('done', result);
    return result;
  } finally {
    tf.dispose([xTrain, yTrain, xTest, yTest]);
    model.dispose();
  }
}
