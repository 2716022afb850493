import type { LayersModel } from '@tensorflow/tfjs';
import type { BackendChoice } from './backend.js';

/** The element types of the model inputs and outputs tidepool feeds and reads. */
export const TENSOR_DTYPES = ['float32', 'float64', 'int32', 'int64'] as const;
export type TensorDtype = (typeof TENSOR_DTYPES)[number];

export interface TensorSpec {
  name: string;
  dtype: TensorDtype;
  /** Batch dimension first; null where the model takes any size (a dynamic dimension). */
  shape: readonly (number | null)[];
}

/** Rows for a model: rows x the input's row size, row-major. Feature rows come as float64 (JSON numbers). */
export type RowData = Float32Array | Float64Array;

/**
 * A loaded model as a function of rows: what every format (TensorFlow.js layers or graph model,
 * ONNX, SavedModel) becomes. `run` gets exactly `input.shape[0]` rows when that is fixed.
 */
export interface Engine {
  readonly backend: BackendChoice;
  readonly input: TensorSpec;
  /** The output served: one tensor, batch dimension first. */
  readonly output: TensorSpec;
  /** Class names the model carries itself (skl2onnx's classes), else null. */
  readonly labels: readonly string[] | null;
  /** The TensorFlow.js layers model behind the engine, which the sparse path may copy; null for other engines. */
  readonly layersModel: LayersModel | null;
  run(data: RowData, rows: number): Float32Array | Promise<Float32Array>;
  dispose(): void;
}

/** An engine that answers in the same turn (TensorFlow.js): the sparse path is verified against those. */
export interface SyncEngine extends Engine {
  run(data: RowData, rows: number): Float32Array;
}

/** Values per row: the product of the dimensions after the batch one (all fixed, checked at load). */
export function rowSize(spec: TensorSpec): number {
  return spec.shape.slice(1).reduce<number>((size, d) => size * (d ?? 1), 1);
}

export function describeShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'batch' : String(d))).join(', ')}]`;
}

/** Rows as TensorFlow.js takes them: float32 or int32 typed arrays (it refuses a Float64Array). */
export function tfjsValues(data: RowData, dtype: TensorDtype): Float32Array | Int32Array {
  if (dtype === 'int32') return Int32Array.from(data);
  return data instanceof Float32Array ? data : Float32Array.from(data);
}
