import assert from 'node:assert/strict';
import { isClassPrediction, type ClassPrediction, type ModelInputs, type Predictor } from '../../models/index.js';

/** A classifier's answers (awaited: onnxruntime answers through a promise), each checked to be a class prediction. */
export async function classify(predictor: Predictor, inputs: ModelInputs, options?: { top?: number }): Promise<ClassPrediction[]> {
  return (await predictor.predict(inputs, options)).map((p) => {
    assert.ok(isClassPrediction(p), `expected a class prediction, got ${JSON.stringify(p).slice(0, 80)}`);
    return p;
  });
}

/** The class names of a classifier. */
export function labelsOf(predictor: Predictor): readonly string[] {
  const { output } = predictor.info;
  assert.equal(output.kind, 'classes');
  return output.kind === 'classes' ? output.labels : [];
}
