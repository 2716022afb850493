/**
 * The tutorial's Flask app, in express: `GET /predict?text=...` (or `POST /predict` with
 * `{"text": "..."}`) answers with the shipped model's prediction, in the Flask app's format.
 * Serve it from a pool that scales with load:
 *
 *   npx tidepool serve --file dist/examples/express/app.js --workers 8 --cheaper 1
 *
 * tidepool imports this file in every worker and serves the export `app`; nothing here listens.
 */
import express from 'express';
import { isClassPrediction, loadPredictor } from '../../models/index.js';

// Top-level await: the model is loaded before the worker tells the master it is ready.
const predictor = await loadPredictor(process.env.MODEL_DIR || undefined);

/** Longest hold of GET /sleep, so that the experiment's route cannot hold a worker for ever. */
const MAX_SLEEP_S = 30;
const cell = new Int32Array(new SharedArrayBuffer(4));

async function answer(res: express.Response, text: unknown): Promise<void> {
  if (typeof text !== 'string' || text.trim() === '') {
    res.status(400).json({ error: 'Expected a non-empty `text`: call GET /predict?text=... or POST /predict {"text": "..."}' });
    return;
  }
  // A model file may run on an engine that answers through a promise (onnxruntime): await it.
  const [p] = await predictor.predict([text]);
  if (p === undefined || !isClassPrediction(p)) throw new Error('this example serves a classifier; the model answered raw outputs');
  res.json({ prediction: String(p.prediction), label: p.label, probability: p.probability });
}

export const app = express();

app.get('/predict', (req, res) => answer(res, req.query.text));
app.post('/predict', express.json({ limit: '100kb' }), (req, res) => answer(res, (req.body as { text?: unknown } | undefined)?.text));

// The classic scaling experiment's `time.sleep(3)`: a view that holds its worker (the event loop
// does nothing meanwhile), as a slow synchronous model would.
app.get('/sleep', (req, res) => {
  const seconds = Number(req.query.seconds ?? 3);
  if (!(seconds >= 0 && seconds <= MAX_SLEEP_S)) {
    res.status(400).json({ error: `Expected \`seconds\` from 0 to ${MAX_SLEEP_S}, got ${JSON.stringify(req.query.seconds)}` });
    return;
  }
  Atomics.wait(cell, 0, 0, seconds * 1000);
  res.json({ slept: seconds, pid: process.pid });
});
