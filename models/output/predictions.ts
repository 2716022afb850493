/** A model's output rows as answers: the best class (and the K best), or the raw values. */

export interface ClassScore {
  index: number;
  label: string;
  probability: number;
}

export interface ClassPrediction {
  /** The class with the largest output */
  prediction: number;
  label: string;
  /** Its output value: the probability for a softmax (or skl2onnx probabilities) output */
  probability: number;
  /** The `top` classes, best first, when asked */
  top?: ClassScore[];
}

export type NestedNumbers = number[] | NestedNumbers[];

export interface RawPrediction {
  /** The row's output, shaped as the model's output after the batch dimension */
  outputs: NestedNumbers;
}

export type Prediction = ClassPrediction | RawPrediction;

export function isClassPrediction(p: Prediction): p is ClassPrediction {
  return 'prediction' in p;
}

/** Rows x labels.length values -> the best class of each row (ties: the lower index), and its top K. */
export function classPredictions(values: Float32Array, rows: number, labels: readonly string[], top?: number): ClassPrediction[] {
  const classes = labels.length;
  const out: ClassPrediction[] = [];
  for (let row = 0; row < rows; row++) {
    const base = row * classes;
    let best = 0;
    for (let k = 1; k < classes; k++) if (values[base + k]! > values[base + best]!) best = k;
    const prediction: ClassPrediction = { prediction: best, label: labels[best]!, probability: values[base + best]! };
    if (top !== undefined) {
      const order = Array.from({ length: classes }, (_, k) => k).sort((a, b) => values[base + b]! - values[base + a]! || a - b);
      prediction.top = order.slice(0, top).map((k) => ({ index: k, label: labels[k]!, probability: values[base + k]! }));
    }
    out.push(prediction);
  }
  return out;
}

function nest(values: Float32Array, at: number, shape: readonly number[]): NestedNumbers {
  if (shape.length <= 1) return Array.from(values.subarray(at, at + (shape[0] ?? 1)));
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0]! }, (_, i) => nest(values, at + i * inner, shape.slice(1)));
}

/** Rows of raw outputs, each nested to `shape` (the output's dimensions after the batch one). */
export function rawPredictions(values: Float32Array, rows: number, shape: readonly number[]): RawPrediction[] {
  const width = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: rows }, (_, row) => ({ outputs: nest(values, row * width, shape) }));
}
