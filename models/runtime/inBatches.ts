import { rowSize, type Engine, type RowData, type SyncEngine } from './engine.js';

/** The outputs of `rows` rows from chunks of `fixed` rows each (the last one padded). */
function join(parts: readonly Float32Array[], rows: number, fixed: number): Float32Array {
  const width = parts[0]!.length / fixed;
  const out = new Float32Array(rows * width);
  let at = 0;
  for (const part of parts) {
    const take = Math.min(part.length, out.length - at);
    out.set(take === part.length ? part : part.subarray(0, take), at);
    at += take;
  }
  return out;
}

/**
 * Runs any number of rows through an engine. A model with a fixed batch dimension B gets chunks of
 * exactly B rows, the last one padded with zero rows whose outputs are dropped; a dynamic one gets
 * every row in one call. Synchronous for a synchronous engine.
 */
export function runInBatches(engine: SyncEngine, data: RowData, rows: number): Float32Array;
export function runInBatches(engine: Engine, data: RowData, rows: number): Float32Array | Promise<Float32Array>;
export function runInBatches(engine: Engine, data: RowData, rows: number): Float32Array | Promise<Float32Array> {
  const fixed = engine.input.shape[0] ?? null;
  if (fixed === null || fixed === rows) return engine.run(data, rows);
  if (rows === 0) return new Float32Array(0);
  const inWidth = rowSize(engine.input);
  const parts: (Float32Array | Promise<Float32Array>)[] = [];
  for (let first = 0; first < rows; first += fixed) {
    const count = Math.min(fixed, rows - first);
    let chunk = data.subarray(first * inWidth, (first + count) * inWidth);
    if (count < fixed) {
      const padded = new (data.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(fixed * inWidth);
      padded.set(chunk);
      chunk = padded;
    }
    parts.push(engine.run(chunk, fixed));
  }
  if (parts.some((part) => part instanceof Promise)) return Promise.all(parts).then((done) => join(done, rows, fixed));
  return join(parts as Float32Array[], rows, fixed);
}
