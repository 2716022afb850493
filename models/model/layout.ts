/** The files of a model directory. model.json + weights.bin are the TensorFlow.js layers format. */
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const METADATA_FILE = 'metadata.json';
export const WORD_INDEX_FILE = 'word_index.json';
