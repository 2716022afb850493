/**
 * The model files written by the frameworks themselves (test/fixtures/framework-models/README.md)
 * and the frameworks' own predictions for them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../core/paths.js';

export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'framework-models');

export const fixture = (name: string): string => path.join(FIXTURES, name);

export interface Reference {
  /** input rows */
  x: number[][];
  /** the framework's predictions for them */
  y: number[][];
}

export function reference(name: 'jax_ref.json' | 'functional_ref.json'): Reference {
  return JSON.parse(fs.readFileSync(fixture(name), 'utf8')) as Reference;
}

/** Rows as the predictor takes them. */
export function rowsOf(x: readonly (readonly number[])[]): { count: number; data: Float64Array } {
  return { count: x.length, data: Float64Array.from(x.flat()) };
}

/** The fixtures that are the Reuters MLP shape, with the predictions each must reproduce. */
export const SAME_MLP: readonly { file: string; ref: 'jax_ref.json' | 'functional_ref.json'; format: string; producer: RegExp }[] = [
  { file: 'jax_m.h5', ref: 'jax_ref.json', format: 'keras-h5', producer: /^Keras 3\.15\.1 \(jax\)$/ },
  { file: 'keras2style_m.h5', ref: 'jax_ref.json', format: 'keras-h5', producer: /^Keras 2\.4\.0 \(tensorflow\)$/ },
  { file: 'functional_m.h5', ref: 'functional_ref.json', format: 'keras-h5', producer: /^Keras 3\.15\.1 \(jax\)$/ },
  { file: 'torch_mlp.onnx', ref: 'jax_ref.json', format: 'onnx', producer: /^pytorch 2\.13\.0$/ },
  { file: 'sklearn_mlp_skl2onnx.onnx', ref: 'jax_ref.json', format: 'onnx', producer: /^skl2onnx 1\.21\.0$/ },
];
