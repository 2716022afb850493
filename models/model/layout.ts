import path from 'node:path';
import { REPO_ROOT } from '../../core/paths.js';

/** The files of a model directory. model.json + weights.bin are the TensorFlow.js layers format. */
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const METADATA_FILE = 'metadata.json';
export const WORD_INDEX_FILE = 'word_index.json';

/** The shipped model lives next to the sources, not under dist/: tsc does not copy it. */
export const DEFAULT_MODEL_DIR: string = path.join(REPO_ROOT, 'models', 'default');
