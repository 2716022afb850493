import fs from 'node:fs';
import { RandomState } from './randomState.js';
import { DatasetError, readZip } from './zip.js';
import { npyIntegers, parseNpy } from './npy.js';
import { pickledArray, readPickle, describe } from './pickle.js';

export { DatasetError } from './zip.js';

export const NPZ_FILE = 'reuters.npz';
export const WORD_INDEX_FILE = 'reuters_word_index.json';

/** reuters.npz as stored: documents as lists of word ranks, and their topic labels. */
export interface RawDataset {
  xs: number[][];
  labels: number[];
}

export interface LoadDataOptions {
  /** The reuters.npz file. */
  path: string;
  numWords?: number | null;
  skipTop?: number;
  maxlen?: number | null;
  testSplit?: number;
  seed?: number;
  startChar?: number | null;
  oovChar?: number | null;
  indexFrom?: number;
}

export interface Split {
  x: number[][];
  y: number[];
}

export interface LoadedData {
  train: Split;
  test: Split;
}

function readBytes(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new DatasetError(`${file}: cannot read ${what} (${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message})`);
  }
}

/** Reads reuters.npz (x: object array of int lists, y: integer labels), checking shapes agree. */
export function readReutersNpz(file: string): RawDataset {
  const members = readZip(readBytes(file, 'the dataset (reuters.npz)'), file);
  const member = (name: string): Uint8Array => {
    const data = members.get(name);
    if (!data)
      throw new DatasetError(
        `${file}: expected members x.npy and y.npy, got ${[...members.keys()].map((key) => JSON.stringify(key)).join(', ') || 'an empty archive'}`,
      );
    return data;
  };
  const xFile = `${file}:x.npy`;
  const x = parseNpy(member('x.npy'), xFile);
  if (x.descr !== '|O')
    throw new DatasetError(
      `${xFile}: expected an object array (dtype '|O') of word-rank lists, got dtype ${JSON.stringify(x.descr)} with shape (${x.shape.join(', ')})`,
    );
  if (x.shape.length !== 1) throw new DatasetError(`${xFile}: expected a 1-D array of documents, got shape (${x.shape.join(', ')})`);
  const array = pickledArray(readPickle(x.body, xFile), xFile);
  if (array.shape.length !== 1 || array.shape[0] !== x.shape[0])
    throw new DatasetError(`${xFile}: the header says shape (${x.shape.join(', ')}), the pickled array has (${array.shape.join(', ')})`);
  const xs = array.items.map((item, i) => {
    if (!Array.isArray(item)) throw new DatasetError(`${xFile}: expected document ${i} to be a list of word ranks, got ${describe(item)}`);
    for (const rank of item) {
      if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 0)
        throw new DatasetError(`${xFile}: expected document ${i} to hold non-negative integers, got ${describe(rank)}`);
    }
    return item as number[];
  });
  const yFile = `${file}:y.npy`;
  const labels = npyIntegers(parseNpy(member('y.npy'), yFile), yFile);
  if (labels.length !== xs.length)
    throw new DatasetError(`${file}: x.npy holds ${xs.length} documents but y.npy ${labels.length} labels; expected one label per document`);
  labels.forEach((label, i) => {
    if (label < 0) throw new DatasetError(`${yFile}: expected labels >= 0, got ${label} at ${i}`);
  });
  return { xs, labels };
}

/** reuters_word_index.json: word -> rank, 1 = most frequent. */
export function readWordIndex(file: string): Map<string, number> {
  let json: unknown;
  try {
    json = JSON.parse(readBytes(file, 'the word index (reuters_word_index.json)').toString('utf8'));
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw new DatasetError(`${file}: expected a JSON object of word -> rank, got unparsable text (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new DatasetError(`${file}: expected a JSON object of word -> rank, got ${Array.isArray(json) ? 'an array' : typeof json}`);
  const index = new Map<string, number>();
  for (const [word, rank] of Object.entries(json)) {
    if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1)
      throw new DatasetError(`${file}: expected the rank of ${JSON.stringify(word)} to be an integer >= 1, got ${JSON.stringify(rank)}`);
    index.set(word, rank);
  }
  return index;
}

/**
 * keras.datasets.reuters.load_data on data already read: shuffle documents and labels with
 * np.random.RandomState(seed) (bit-identical permutation), prepend startChar, shift ranks by
 * indexFrom, drop documents not shorter than maxlen, map indices outside [skipTop, numWords)
 * to oovChar (or drop them when oovChar is null), split at int(len * (1 - testSplit)).
 */
export function prepareData(raw: RawDataset, options: Omit<LoadDataOptions, 'path'> = {}): LoadedData {
  const { skipTop = 0, maxlen = null, testSplit = 0.2, seed = 113, startChar = 1, oovChar = 2, indexFrom = 3 } = options;
  if (!(testSplit >= 0 && testSplit <= 1)) throw new RangeError(`Expected testSplit to be from 0 to 1, got ${testSplit}`);
  const order = new RandomState(seed).permutation(raw.xs.length);
  let xs = order.map((i) => raw.xs[i]!);
  let labels = order.map((i) => raw.labels[i]!);

  if (startChar !== null) xs = xs.map((x) => [startChar, ...x.map((w) => w + indexFrom)]);
  else if (indexFrom) xs = xs.map((x) => x.map((w) => w + indexFrom));

  if (maxlen) {
    const keep = xs.map((x) => x.length < maxlen);
    xs = xs.filter((_, i) => keep[i]);
    labels = labels.filter((_, i) => keep[i]);
  }

  let numWords = options.numWords ?? 0;
  if (!numWords) numWords = xs.reduce((max, x) => x.reduce((m, w) => Math.max(m, w), max), 0);
  const limit = numWords;
  xs = oovChar !== null ? xs.map((x) => x.map((w) => (skipTop <= w && w < limit ? w : oovChar))) : xs.map((x) => x.filter((w) => skipTop <= w && w < limit));

  const cut = Math.trunc(xs.length * (1 - testSplit));
  return { train: { x: xs.slice(0, cut), y: labels.slice(0, cut) }, test: { x: xs.slice(cut), y: labels.slice(cut) } };
}

/** keras.datasets.reuters.load_data, reading Keras' own reuters.npz format from `path`. */
export function loadData(options: LoadDataOptions): LoadedData {
  return prepareData(readReutersNpz(options.path), options);
}
