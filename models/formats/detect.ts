/**
 * Which kind of model a path holds, read from its content (magic bytes, JSON keys, protobuf
 * structure), not only its name: a renamed file still loads, and a wrong one is named for what
 * it really is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { METADATA_FILE, MODEL_FILE, WORD_INDEX_FILE } from '../model/layout.js';
import { ModelError } from '../model/modelError.js';
import { onnxProblem } from './onnx/onnxEngine.js';

export const MODEL_FORMATS = ['tidepool', 'keras-h5', 'keras', 'onnx', 'tfjs-layers', 'tfjs-graph', 'saved-model'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

/** How each format reads for people, in messages and the README's table. */
export const FORMAT_NAMES: Record<ModelFormat, string> = {
  tidepool: 'tidepool model directory (TensorFlow.js layers model + metadata.json + word_index.json)',
  'keras-h5': 'Keras HDF5 (.h5, .hdf5)',
  keras: 'Keras 3 archive (.keras)',
  onnx: 'ONNX (.onnx)',
  'tfjs-layers': 'TensorFlow.js layers model (model.json)',
  'tfjs-graph': 'TensorFlow.js graph model (model.json)',
  'saved-model': 'TensorFlow SavedModel (directory with saved_model.pb)',
};

export interface ModelSource {
  format: ModelFormat;
  /** The file to load (a directory for tidepool and SavedModel) */
  path: string;
  /** The file's bytes when detection had to read it whole (ONNX) */
  bytes?: Uint8Array;
}

const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const SAVED_MODEL_FILE = 'saved_model.pb';
const EXPECTED = 'a Keras .h5/.keras file, an ONNX file, a TensorFlow.js model.json, or a directory holding one (or saved_model.pb)';

function head(file: string, bytes: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, bytes, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/** HDF5 puts its signature at 0 or, after a user block, at 512, 1024, 2048, ... */
function isHdf5(file: string, size: number): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(HDF5_MAGIC.length);
    for (let at = 0; at + buffer.length <= size && at <= 1 << 20; at = at === 0 ? 512 : at * 2) {
      fs.readSync(fd, buffer, 0, buffer.length, at);
      if (buffer.equals(HDF5_MAGIC)) return true;
    }
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

function jsonFormat(file: string): ModelFormat {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelError(`${file}: starts like JSON but is not valid JSON (${(error as Error).message}); expected a TensorFlow.js model.json`);
  }
  const model = json as { modelTopology?: unknown; format?: unknown } | null;
  if (typeof model !== 'object' || model === null || typeof model.modelTopology !== 'object' || model.modelTopology === null) {
    throw new ModelError(
      `${file}: a JSON file, but not a TensorFlow.js model: expected a "modelTopology" object` +
        (model && typeof model === 'object' ? `, got the keys ${JSON.stringify(Object.keys(model).slice(0, 8))}` : ''),
    );
  }
  if (model.format === 'graph-model' || (model.format === undefined && 'node' in model.modelTopology)) return 'tfjs-graph';
  if (model.format === undefined || model.format === 'layers-model') return 'tfjs-layers';
  throw new ModelError(`${file}: expected "format" to be "layers-model" or "graph-model", got ${JSON.stringify(model.format)}`);
}

function directory(dir: string): ModelSource {
  const entries = fs.readdirSync(dir);
  if (entries.includes(SAVED_MODEL_FILE)) return { format: 'saved-model', path: dir };
  // tidepool's own directory, even with a file missing: its reader then says which.
  if (entries.includes(METADATA_FILE) || entries.includes(WORD_INDEX_FILE)) return { format: 'tidepool', path: dir };
  if (entries.includes(MODEL_FILE)) return { format: jsonFormat(path.join(dir, MODEL_FILE)), path: path.join(dir, MODEL_FILE) };
  const models = entries.filter((e) => /\.(h5|hdf5|keras|onnx)$/i.test(e));
  const hint = models.length > 0 ? `; it holds ${models.slice(0, 3).join(', ')}: give that file as the model` : '';
  throw new ModelError(`${dir}: a directory without a model: expected ${MODEL_FILE} or ${SAVED_MODEL_FILE} in it${hint}`);
}

function describeBytes(bytes: Buffer): string {
  const hex = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const printable = bytes
    .subarray(0, 16)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '.');
  return `it starts with the bytes ${hex} (${JSON.stringify(printable)})`;
}

/** Reads enough of `source` to say which model format it is; throws ModelError naming the file otherwise. */
export function detectModel(source: string): ModelSource {
  const file = path.resolve(source);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new ModelError(`${file}: does not exist; expected ${EXPECTED}`);
  }
  if (stat.isDirectory()) return directory(file);
  if (path.basename(file) === SAVED_MODEL_FILE) return { format: 'saved-model', path: path.dirname(file) };
  if (stat.size === 0) throw new ModelError(`${file}: is empty (0 bytes); expected ${EXPECTED}`);
  const start = head(file, 16);
  if (isHdf5(file, stat.size)) return { format: 'keras-h5', path: file };
  if (start.subarray(0, 4).equals(ZIP_MAGIC)) return { format: 'keras', path: file };
  if (/^\s*\{/.test(start.toString('utf8').replace(/^\uFEFF/, ''))) return { format: jsonFormat(file), path: file };
  const bytes = fs.readFileSync(file);
  const problem = onnxProblem(bytes);
  if (problem === null) return { format: 'onnx', path: file, bytes };
  const onnxNamed = /\.onnx$/i.test(file);
  throw new ModelError(
    `${file}: ${onnxNamed ? `named .onnx but not a whole ONNX model (${problem})` : `not a model file: expected ${EXPECTED}; ${describeBytes(start)}`}`,
  );
}
