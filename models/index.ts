/**
 * The models' public face: what the server and the bench may use. A predictor is loaded from a
 * model file or directory of any supported format; its backend is chosen (and verified) here, and
 * reported by the caller.
 */
export { DEFAULT_MODEL_DIR, METADATA_FILE } from './model/layout.js';
export { parseMetadata } from './model/metadata.js';
export { BACKEND_REQUESTS, parseBackendRequest } from './runtime/backend.js';
export { FORMAT_NAMES, MODEL_FORMATS, type ModelFormat } from './formats/detect.js';
export { MATRIX_MODES, type MatrixMode } from './text/matrix.js';
export { TEXT_ENCODINGS, type TextEncodingRequest, type TextOptions } from './text/textInput.js';
export { isClassPrediction } from './output/predictions.js';
export {
  describeModel,
  loadPredictor,
  ModelError,
  OUTPUT_REQUESTS,
  type BackendChoice,
  type BackendName,
  type BackendRequest,
  type ClassPrediction,
  type ClassScore,
  type FeatureRows,
  type LoadOptions,
  type ModelInfo,
  type ModelInput,
  type ModelInputs,
  type ModelOutput,
  type NestedNumbers,
  type OutputRequest,
  type Prediction,
  type Predictor,
  type RawPrediction,
  type ServedInput,
  type Servable,
} from './predictor.js';
