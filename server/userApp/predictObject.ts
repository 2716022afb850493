/**
 * A user's `{ predict(inputs) }` object behind tidepool's own /predict API (validation, batching,
 * errors, the Flask-compatible answer): this adapts it to the part of models' Predictor that the
 * built-in route calls. Its answers are checked, so that a wrong shape is a clear 500, not a
 * malformed answer.
 */
import type { Predictor } from '../../models/index.js';

export interface PredictObject {
  predict(inputs: string[], options?: { top?: number }): unknown;
  /** the class labels, when the object has them: `top` may then ask for up to that many */
  labels?: unknown;
}

export interface ObjectPredictor extends Pick<Predictor, 'predict'> {
  /** the most `top` a request may ask for */
  maxTop: number;
}

const EXAMPLE = "{ prediction: 3, label: 'earn', probability: 0.92 }";

function isPrediction(p: unknown): boolean {
  if (typeof p !== 'object' || p === null) return false;
  const { prediction, label, probability, top } = p as Record<string, unknown>;
  return Number.isFinite(prediction) && typeof label === 'string' && Number.isFinite(probability) && (top === undefined || Array.isArray(top));
}

function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function predictorFromObject(object: PredictObject, where: string): ObjectPredictor {
  const labels = Array.isArray(object.labels) ? object.labels : null;
  return {
    maxTop: labels?.length ?? 1,
    predict(texts, options) {
      const out = object.predict(texts, options);
      if (typeof (out as { then?: unknown } | null)?.then === 'function') {
        throw new Error(
          `${where}: predict() returned a promise; tidepool's /predict calls it synchronously, as it calls its own model: return the predictions themselves`,
        );
      }
      if (!Array.isArray(out) || out.length !== texts.length) {
        throw new Error(`${where}: predict(inputs) must return one prediction per input (an array of ${texts.length}), got ${shown(out)}`);
      }
      out.forEach((p, i) => {
        if (!isPrediction(p)) throw new Error(`${where}: prediction ${i} must look like ${EXAMPLE}, got ${shown(p)}`);
      });
      return out;
    },
  };
}
