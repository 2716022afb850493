/**
 * What a worker serves, loaded after it starts (uWSGI's lazy-apps): tidepool's built-in /predict
 * on the model, a user's `{ predict(inputs) }` object behind that same /predict, or a user's own
 * (req, res) app. A failure here is the worker's load failure (the master backs off, and stops
 * when no worker ever loaded).
 */
import { describeModel, loadPredictor, type Servable } from '../../models/index.js';
import type { NodeRequestListener } from '../protocol/trackedRequests.js';
import { loadApp } from '../userApp/loadApp.js';
import type { WorkerSettings } from './settings.js';
import type { ModelShape } from '../ipc/messages.js';

export type ServedApp = {
  backend: { name: string; detail: string };
  /** one line for the master's log: the model file and its shape, or the user's app */
  description: string;
  /** a model file's classes and bag-of-words width (the stats show them), null for a user's app */
  shape: ModelShape | null;
} & (
  | { kind: 'routes'; servable: Servable /** rows per call when the model's batch is fixed, else null */; fixedBatch: number | null }
  | { kind: 'node'; listener: NodeRequestListener }
);

/** The backend a user's app reports (stats, /healthz): tidepool does not know what runs inside it. */
const USER_APP_BACKEND = 'app';

export async function loadServedApp(settings: WorkerSettings): Promise<ServedApp> {
  if (settings.app === null) {
    const predictor = await loadPredictor(settings.model, settings.modelOptions);
    return {
      kind: 'routes',
      servable: predictor,
      fixedBatch: predictor.info.fixedBatch,
      backend: { name: predictor.backend.name, detail: predictor.backend.detail },
      description: describeModel(predictor.info),
      shape: {
        classes: predictor.info.output.kind === 'classes' ? predictor.info.output.labels.length : 0,
        numWords: predictor.info.input.kind === 'text' ? predictor.info.input.numWords : 0,
      },
    };
  }
  const app = await loadApp(settings.app);
  const backend = { name: USER_APP_BACKEND, detail: app.description };
  if (app.kind === 'listener') return { kind: 'node', listener: app.listener, backend, description: app.description, shape: null };
  return { kind: 'routes', servable: app.servable, fixedBatch: null, backend, description: app.description, shape: null };
}
