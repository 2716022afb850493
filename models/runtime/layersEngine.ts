import type { LayersModel, SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import { ModelError } from '../model/modelError.js';
import type { Runtime } from './backend.js';
import { describeShape, tfjsValues, type SyncEngine, type TensorDtype, type TensorSpec } from './engine.js';

/** A TensorFlow.js input or output, as tidepool describes tensors; only the dtypes tfjs computes in. */
export function tfjsSpec(file: string, what: string, tensor: { name: string; dtype: string; shape: readonly (number | null)[] }): TensorSpec {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32')
    throw new ModelError(`${file}: the model's ${what} ${JSON.stringify(tensor.name)} is ${tensor.dtype}; tidepool feeds float32 or int32 tensors`);
  if (tensor.shape.length < 2)
    throw new ModelError(
      `${file}: the model's ${what} ${JSON.stringify(tensor.name)} has shape ${describeShape(tensor.shape)}; expected a batch dimension first`,
    );
  return { name: tensor.name, dtype: tensor.dtype as TensorDtype, shape: tensor.shape.map((d) => (d === null || d < 0 ? null : d)) };
}

function one(file: string, what: string, tensors: readonly SymbolicTensor[]): SymbolicTensor {
  if (tensors.length !== 1)
    throw new ModelError(
      `${file}: the model has ${tensors.length} ${what}s (${tensors.map((t) => `${t.name} ${describeShape(t.shape)}`).join(', ')}); ` +
        `tidepool serves models with one ${what}`,
    );
  return tensors[0]!;
}

/** A TensorFlow.js LayersModel (from model.json, Keras .h5 or .keras) as an engine on the runtime's backend. */
export function layersEngine(runtime: Runtime, model: LayersModel, file: string): SyncEngine {
  const { tf } = runtime;
  const input = tfjsSpec(file, 'input', one(file, 'input', model.inputs));
  const output = tfjsSpec(file, 'output', one(file, 'output', model.outputs));
  const rowShape = input.shape.slice(1) as number[];
  return {
    backend: runtime.backend,
    input,
    output,
    labels: null,
    layersModel: model,
    run(data, rows) {
      return tf.tidy(() => {
        const result = (model.predict(tf.tensor(tfjsValues(data, input.dtype), [rows, ...rowShape], input.dtype as 'float32' | 'int32')) as Tensor).dataSync();
        return result instanceof Float32Array ? result : Float32Array.from(result as Int32Array);
      });
    },
    dispose() {
      model.dispose();
    },
  };
}
