/**
 * The worker's HTTP API, independent of the protocol that carried the request. /predict serves
 * any Servable (models/index.ts): a model file loadPredictor() loaded, or any object of that shape.
 */
import { isClassPrediction, type Prediction, type Servable } from '../../models/index.js';
import { type AppHandler, type AppRequest, type AppResponse, errorResponse, jsonResponse } from './types.js';
import { BadRequest, fromJsonBody, fromQuery, type PredictInput, type PredictLimits } from './predictRequest.js';
import { blockFor } from './blockFor.js';
import type { Batcher } from '../worker/batcher.js';

export interface AppOptions {
  /** the model, or a user's `{ predict(inputs) }` object adapted to it (userApp/predictObject.ts) */
  predictor: Servable;
  /** body and batch limits; what the model takes and how many classes it has come from the predictor */
  limits: Pick<PredictLimits, 'maxBodySize' | 'maxBatch'>;
  /** hold the worker this long per /predict, blocking like a synchronous model (0 = off) */
  simulateLatencyMs: number;
  /** headers on every answer (which worker served it) */
  headers: Record<string, string>;
  /** when set, /predict texts wait for a batch (see worker/batcher.ts)... */
  batcher?: Batcher;
  /** ...when this says a batch can form at all (more than one open connection) */
  canBatch?: () => boolean;
}

function formatPrediction(p: Prediction, withTop: boolean): Record<string, unknown> {
  if (!isClassPrediction(p)) return { outputs: p.outputs };
  // `prediction` first and as a string: byte-compatible with the classic Flask app's answer.
  const out: Record<string, unknown> = { prediction: String(p.prediction), label: p.label, probability: p.probability };
  if (withTop && p.top) out.top = p.top.map((c) => ({ prediction: String(c.index), label: c.label, probability: c.probability }));
  return out;
}

export function createApp(options: AppOptions): AppHandler {
  const { predictor, simulateLatencyMs } = options;
  const { info } = predictor;
  const limits: PredictLimits = { ...options.limits, input: info.input, maxTop: info.output.kind === 'classes' ? info.output.labels.length : 0 };

  function answer(input: PredictInput, results: Prediction[]): AppResponse {
    if (input.batch) return jsonResponse(200, { predictions: results.map((r) => formatPrediction(r, input.top > 0)) });
    return jsonResponse(200, formatPrediction(results[0]!, input.top > 0));
  }

  function predict(input: PredictInput): AppResponse | Promise<AppResponse> {
    if (simulateLatencyMs > 0) blockFor(simulateLatencyMs);
    if (options.batcher && (options.canBatch?.() ?? true)) {
      return options.batcher.submit(input.inputs, input.count, input.top).then((results) => answer(input, results));
    }
    const results = predictor.predict(input.inputs, input.top > 0 ? { top: input.top } : undefined);
    return results instanceof Promise ? results.then((r) => answer(input, r)) : answer(input, results);
  }

  const route = (req: AppRequest): AppResponse | Promise<AppResponse> => {
    try {
      switch (req.path) {
        case '/predict':
          if (req.method === 'GET' || req.method === 'HEAD') return predict(fromQuery(req.query, limits));
          if (req.method === 'POST') return predict(fromJsonBody(req.body, req.headers['content-type'], limits));
          return errorResponse(405, `Method ${req.method} is not allowed on /predict; use GET or POST`, { Allow: 'GET, HEAD, POST' });
        // The master's own routes never get here: the worker forwards them (worker/adminForward.ts).
        case '/metrics':
          return errorResponse(404, 'No route /metrics here: this server has a `metrics` address of its own');
        default:
          return errorResponse(404, `No route ${req.path.slice(0, 100)}; try GET /predict?text=...`);
      }
    } catch (e) {
      if (e instanceof BadRequest) return errorResponse(e.status, e.message);
      throw e;
    }
  };
  const withHeaders = (res: AppResponse): AppResponse => {
    Object.assign(res.headers, options.headers);
    return res;
  };
  return (req) => {
    const res = route(req);
    return res instanceof Promise ? res.then(withHeaders) : withHeaders(res);
  };
}
