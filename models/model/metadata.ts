import { ModelError } from './modelError.js';
import type { SequenceEncoding } from '../text/vocabulary.js';

export const METADATA_FORMAT = 'tidepool-text-classifier';
export const METADATA_VERSION = 1;

/** What a model was trained on: enough to regenerate or re-read the exact data. */
export type DataSource = { kind: 'synthetic'; seed: number; samples: number } | { kind: 'files'; npz: string; wordIndex: string };
export type TrainingData = DataSource & { train: number; validation: number; test: number };

export interface ModelMetadata {
  format: typeof METADATA_FORMAT;
  version: typeof METADATA_VERSION;
  /** Input width of the model; also encoding.numWords. */
  numWords: number;
  encoding: SequenceEncoding;
  labels: string[];
  wordIndex: { file: string; sha256: string; words: number };
  /** One line for people: "synthetic Reuters-like corpus, seed 113, 11228 documents". */
  trainedOn: string;
  data: TrainingData;
  /** load_data's shuffle seed and split, so the exact test split can be rebuilt. */
  split: { seed: number; testSplit: number; validationSplit: number };
  training: { epochs: number; batchSize: number; bestEpoch: number; backend: string; createdAt: string };
  /** testAccuracy, testLoss, valAccuracy, valLoss, trainAccuracy, trainLoss, seconds, ... */
  metrics: Record<string, number>;
}

type Json = unknown;

function fail(file: string, where: string, expected: string, got: Json): never {
  const shown = got === undefined ? 'nothing' : `${JSON.stringify(got)?.slice(0, 80)} (${Array.isArray(got) ? 'array' : got === null ? 'null' : typeof got})`;
  throw new ModelError(`${file}: expected ${where} to be ${expected}, got ${shown}`);
}

function object(file: string, where: string, value: Json): Record<string, Json> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(file, where, 'an object', value);
  return value as Record<string, Json>;
}

function integer(file: string, where: string, value: Json, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(file, where, `an integer >= ${min}`, value);
  return value;
}

function nullableInteger(file: string, where: string, value: Json): number | null {
  return value === null ? null : integer(file, where, value, 0);
}

function string(file: string, where: string, value: Json): string {
  if (typeof value !== 'string' || value === '') fail(file, where, 'a non-empty string', value);
  return value;
}

function number(file: string, where: string, value: Json): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(file, where, 'a finite number', value);
  return value;
}

/** Validates parsed metadata.json; every field the server or trainer relies on is checked. */
export function parseMetadata(json: Json, file: string): ModelMetadata {
  const top = object(file, 'the document', json);
  if (top.format !== METADATA_FORMAT) fail(file, '"format"', JSON.stringify(METADATA_FORMAT), top.format);
  if (top.version !== METADATA_VERSION) fail(file, '"version"', String(METADATA_VERSION), top.version);
  const numWords = integer(file, '"numWords"', top.numWords, 2);
  const enc = object(file, '"encoding"', top.encoding);
  const encoding: SequenceEncoding = {
    numWords: integer(file, '"encoding.numWords"', enc.numWords, 2),
    indexFrom: integer(file, '"encoding.indexFrom"', enc.indexFrom, 0),
    startChar: nullableInteger(file, '"encoding.startChar"', enc.startChar),
    oovChar: nullableInteger(file, '"encoding.oovChar"', enc.oovChar),
    skipTop: integer(file, '"encoding.skipTop"', enc.skipTop, 0),
  };
  if (encoding.numWords !== numWords) fail(file, '"encoding.numWords"', `equal to "numWords" (${numWords})`, encoding.numWords);
  if (!Array.isArray(top.labels) || top.labels.length < 2) fail(file, '"labels"', 'an array of at least 2 label names', top.labels);
  const labels = top.labels.map((label, i) => string(file, `"labels[${i}]"`, label));
  const wi = object(file, '"wordIndex"', top.wordIndex);
  const wordIndex = {
    file: string(file, '"wordIndex.file"', wi.file),
    sha256: string(file, '"wordIndex.sha256"', wi.sha256),
    words: integer(file, '"wordIndex.words"', wi.words, 1),
  };
  const data = object(file, '"data"', top.data);
  const counts = {
    train: integer(file, '"data.train"', data.train, 0),
    validation: integer(file, '"data.validation"', data.validation, 0),
    test: integer(file, '"data.test"', data.test, 0),
  };
  let trainingData: TrainingData;
  if (data.kind === 'synthetic') {
    trainingData = {
      kind: 'synthetic',
      seed: integer(file, '"data.seed"', data.seed, 0),
      samples: integer(file, '"data.samples"', data.samples, 1),
      ...counts,
    };
  } else if (data.kind === 'files') {
    trainingData = { kind: 'files', npz: string(file, '"data.npz"', data.npz), wordIndex: string(file, '"data.wordIndex"', data.wordIndex), ...counts };
  } else {
    fail(file, '"data.kind"', '"synthetic" or "files"', data.kind);
  }
  const split = object(file, '"split"', top.split);
  const training = object(file, '"training"', top.training);
  const metrics = object(file, '"metrics"', top.metrics);
  return {
    format: METADATA_FORMAT,
    version: METADATA_VERSION,
    numWords,
    encoding,
    labels,
    wordIndex,
    trainedOn: string(file, '"trainedOn"', top.trainedOn),
    data: trainingData,
    split: {
      seed: integer(file, '"split.seed"', split.seed, 0),
      testSplit: number(file, '"split.testSplit"', split.testSplit),
      validationSplit: number(file, '"split.validationSplit"', split.validationSplit),
    },
    training: {
      epochs: integer(file, '"training.epochs"', training.epochs, 1),
      batchSize: integer(file, '"training.batchSize"', training.batchSize, 1),
      bestEpoch: integer(file, '"training.bestEpoch"', training.bestEpoch, 1),
      backend: string(file, '"training.backend"', training.backend),
      createdAt: string(file, '"training.createdAt"', training.createdAt),
    },
    metrics: Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, number(file, `"metrics.${key}"`, value)])),
  };
}
