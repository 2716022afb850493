/**
 * The same /predict as examples/express/app.ts with node:http alone: any `(req, res)` function
 * is an app. This one is the module's default export, which tidepool serves when there is no
 * export named `app`:
 *
 *   npx tidepool serve --file dist/examples/handler/app.js
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isClassPrediction, loadPredictor } from '../../models/index.js';

const predictor = await loadPredictor(process.env.MODEL_DIR || undefined);

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export default async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://app');
  if (url.pathname !== '/predict') return json(res, 404, { error: `No route ${url.pathname}; try GET /predict?text=...` });
  if (req.method !== 'GET') return json(res, 405, { error: `Method ${req.method} is not allowed on /predict; use GET` });
  const text = url.searchParams.get('text');
  if (text === null || text.trim() === '') return json(res, 400, { error: 'Missing query parameter `text`: call /predict?text=...' });
  // A model file may run on an engine that answers through a promise (onnxruntime): await it.
  const [p] = await predictor.predict([text]);
  if (p === undefined || !isClassPrediction(p)) return json(res, 500, { error: 'this example serves a classifier; the model answered raw outputs' });
  json(res, 200, { prediction: String(p.prediction), label: p.label, probability: p.probability });
}
