/**
 * The `inputs` of a POST /predict for a model that takes numbers: rows nested as the model's input
 * after its batch dimension ([1000] -> rows of 1000 numbers; [28, 28] -> rows of 28 rows of 28).
 * Pure: every value is checked, and the first wrong one is named with where it is.
 */
import type { FeatureRows, ModelInput } from '../../models/index.js';
import { BadRequest, describeValue } from './badRequest.js';

type FeatureInput = Extract<ModelInput, { kind: 'features' }>;

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function parseFeatureRows(value: unknown, input: FeatureInput, maxBatch: number): FeatureRows {
  const { shape, dtype } = input;
  const integer = dtype === 'int32' || dtype === 'int64';
  const perRow = shape.reduce((a, b) => a * b, 1);
  const example = shape.length === 1 ? `${shape[0]} numbers` : `nested as ${shapeText(shape)}`;
  if (!Array.isArray(value)) throw new BadRequest(400, `Expected field \`inputs\` to be an array of rows (each ${example}), got ${describeValue(value)}`);
  if (value.length === 0 || value.length > maxBatch) {
    throw new BadRequest(value.length > maxBatch ? 413 : 400, `Expected field \`inputs\` to hold 1 to ${maxBatch} rows (max-batch), got ${value.length}`);
  }
  const data = new Float64Array(value.length * perRow);
  let at = 0;
  // Where a value is ("inputs[3][17]") is only spelled out for the error: rows of a thousand
  // numbers would otherwise build a thousand strings per request.
  const path: number[] = [];
  const where = (): string => `inputs${path.map((i) => `[${i}]`).join('')}`;
  const bad = (item: unknown, expected: string): never => {
    throw new BadRequest(400, `Expected ${where()} to be ${expected}, got ${describeValue(item)}`);
  };
  const walk = (item: unknown, depth: number): void => {
    const size = shape[depth]!;
    if (!Array.isArray(item) || item.length !== size) {
      bad(item, depth === 0 ? `a row of ${example} (the model's input is ${shapeText(shape)} per row)` : `an array of ${size} (row shape ${shapeText(shape)})`);
    }
    const list = item as unknown[];
    path.push(0);
    if (depth < shape.length - 1) {
      for (let i = 0; i < size; i++) {
        path[depth + 1] = i;
        walk(list[i], depth + 1);
      }
    } else {
      // The innermost numbers, in a plain loop: most of a request's values are here.
      for (let i = 0; i < size; i++) {
        const value = list[i];
        if (typeof value === 'number' && Number.isFinite(value) && (!integer || Number.isInteger(value))) {
          data[at++] = value;
          continue;
        }
        path[depth + 1] = i;
        if (typeof value !== 'number') bad(value, 'a number');
        // JSON has no NaN; 1e999 parses as Infinity.
        else if (!Number.isFinite(value)) throw new BadRequest(400, `Expected ${where()} to be a finite number, got ${value}`);
        else throw new BadRequest(400, `Expected ${where()} to be an integer (the model's input is ${dtype}), got ${value}`);
      }
    }
    path.pop();
  };
  for (let i = 0; i < value.length; i++) {
    path[0] = i;
    walk(value[i], 0);
  }
  return { count: value.length, data };
}
