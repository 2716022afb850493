/**
 * TensorFlow.js GraphModels: model.json + weight shards as tensorflowjs_converter writes them for
 * a SavedModel or a frozen graph, run by tfjs-converter on the TensorFlow.js backend in use.
 */
import { createRequire } from 'node:module';
import type { io, Tensor } from '@tensorflow/tfjs';
import type * as TfConverter from '@tensorflow/tfjs-converter';
import { ModelError } from '../../model/modelError.js';
import type { Runtime } from '../../runtime/backend.js';
import { describeShape, rowSize, tfjsValues, type Engine, type TensorSpec } from '../../runtime/engine.js';
import { tfjsSpec } from '../../runtime/layersEngine.js';

const require = createRequire(import.meta.url);

type GraphModel = TfConverter.GraphModel;

function single<T extends { name: string; shape?: number[] }>(file: string, what: string, list: readonly T[]): T {
  if (list.length !== 1)
    throw new ModelError(`${file}: the graph has ${list.length} ${what}s (${list.map((t) => t.name).join(', ')}); tidepool serves models with one ${what}`);
  return list[0]!;
}

/** Control flow (while loops, dynamic shapes) makes tfjs-converter refuse the synchronous execute(). */
function needsAsync(error: unknown): boolean {
  return error instanceof Error && /executeAsync/.test(error.message);
}

export async function loadGraphModel(runtime: Runtime, file: string, artifacts: io.ModelArtifacts): Promise<Engine> {
  const { tf } = runtime;
  const converter = require('@tensorflow/tfjs-converter') as typeof TfConverter;
  let model: GraphModel;
  try {
    model = await converter.loadGraphModel({ load: async () => artifacts });
  } catch (error) {
    throw new ModelError(`${file}: TensorFlow.js cannot load the graph model (${(error as Error).message.split('\n')[0]})`);
  }
  const declaredInput = single(file, 'input', model.inputs);
  const declaredOutput = single(file, 'output', model.outputs);
  if (declaredInput.shape === undefined)
    throw new ModelError(
      `${file}: the graph's input ${JSON.stringify(declaredInput.name)} has no known shape; tidepool needs [batch, ...] with fixed dimensions after the batch`,
    );
  const input = tfjsSpec(file, 'input', { name: declaredInput.name, dtype: declaredInput.dtype, shape: declaredInput.shape });
  const rowShape = input.shape.slice(1) as number[];
  let asynchronous = false;
  const execute = (data: Float32Array | Float64Array, rows: number): Tensor | Promise<Tensor> => {
    const x = tf.tensor(tfjsValues(data, input.dtype), [rows, ...rowShape], input.dtype as 'float32' | 'int32');
    if (asynchronous) return (model.executeAsync(x) as Promise<Tensor>).finally(() => x.dispose());
    try {
      return model.execute(x) as Tensor;
    } finally {
      x.dispose();
    }
  };
  const read = (y: Tensor): Float32Array => {
    const values = y.dataSync();
    y.dispose();
    return values instanceof Float32Array ? values : Float32Array.from(values as Int32Array);
  };

  // The output's shape is often not in model.json: run one zero batch to learn it.
  const probeRows = input.shape[0] ?? 1;
  let probe: Tensor;
  try {
    try {
      probe = execute(new Float32Array(probeRows * rowSize(input)), probeRows) as Tensor;
    } catch (error) {
      if (!needsAsync(error)) throw error;
      asynchronous = true;
      probe = await execute(new Float32Array(probeRows * rowSize(input)), probeRows);
    }
  } catch (error) {
    model.dispose();
    throw new ModelError(
      `${file}: the graph model fails on a batch of zeros of shape ${describeShape([probeRows, ...rowShape])} (${(error as Error).message.split('\n')[0]})`,
    );
  }
  const output: TensorSpec = tfjsSpec(file, 'output', {
    name: declaredOutput.name,
    dtype: probe.dtype,
    shape: [input.shape[0] ?? null, ...probe.shape.slice(1)],
  });
  probe.dispose();

  return {
    backend: runtime.backend,
    input,
    output,
    labels: null,
    layersModel: null,
    run(data, rows) {
      const y = execute(data, rows);
      return y instanceof Promise ? y.then(read) : read(y);
    },
    dispose() {
      model.dispose();
    },
  };
}
