/**
 * The models' public face: what the server and the bench may use. A predictor is loaded from a
 * model directory; its backend is chosen (and verified) here, and reported by the caller.
 */
export { DEFAULT_MODEL_DIR, METADATA_FILE } from './model/layout.js';
export { parseMetadata } from './model/metadata.js';
export { BACKEND_REQUESTS, parseBackendRequest } from './runtime/backend.js';
export { loadPredictor, ModelError, type BackendChoice, type BackendName, type BackendRequest, type ClassScore, type ModelInfo, type Prediction, type Predictor } from './predictor.js';
