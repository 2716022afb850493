/**
 * A user's `{ predict(inputs) }` object behind tidepool's own /predict API (validation, batching,
 * errors, the Flask-compatible answer): this makes it a Servable, as a model file is one. Its
 * answers are checked, so that a wrong shape is a clear 500, not a malformed answer.
 */
import type { ClassPrediction, ModelInputs, Servable } from '../../models/index.js';

export interface PredictObject {
  /** texts in; one `{ prediction, label, probability }` per text out, or a promise of them */
  predict(inputs: string[], options?: { top?: number }): unknown;
  /** the class labels, when the object has them: `top` may then ask for up to that many */
  labels?: unknown;
}

const EXAMPLE = "{ prediction: 3, label: 'earn', probability: 0.92 }";

function isPrediction(p: unknown): p is ClassPrediction {
  if (typeof p !== 'object' || p === null) return false;
  const { prediction, label, probability, top } = p as Record<string, unknown>;
  return Number.isFinite(prediction) && typeof label === 'string' && Number.isFinite(probability) && (top === undefined || Array.isArray(top));
}

function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * The object as /predict serves it: texts in, its classes out. Without `labels` it names no
 * classes, so a request's `top` is refused (there is nothing to rank it against).
 */
export function servableFromObject(object: PredictObject, where: string): Servable {
  const labels = Array.isArray(object.labels) ? object.labels.map(String) : [];
  const checked = (out: unknown, count: number): ClassPrediction[] => {
    if (!Array.isArray(out) || out.length !== count) {
      throw new Error(`${where}: predict(inputs) must return one prediction per input (an array of ${count}), got ${shown(out)}`);
    }
    out.forEach((p, i) => {
      if (!isPrediction(p)) throw new Error(`${where}: prediction ${i} must look like ${EXAMPLE}, got ${shown(p)}`);
    });
    return out as ClassPrediction[];
  };
  return {
    info: { input: { kind: 'text' }, output: { kind: 'classes', labels, labelsFrom: 'the model' } },
    predict(inputs: ModelInputs, options?: { top?: number }) {
      if (!Array.isArray(inputs)) throw new TypeError(`${where}: predict(inputs) takes texts; tidepool's /predict sent it feature rows`);
      const texts = inputs as string[];
      const out = object.predict(texts, options);
      return isThenable(out) ? Promise.resolve(out).then((o) => checked(o, texts.length)) : checked(out, texts.length);
    },
  };
}
