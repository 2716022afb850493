/**
 * TensorFlow SavedModel directories: only libtensorflow runs them, through tfjs-node. Without it
 * they are refused with the one-off conversion that makes them servable here.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { ModelError } from '../model/modelError.js';
import { BackendError, type Runtime } from '../runtime/backend.js';
import { tfjsValues, type Engine } from '../runtime/engine.js';
import { tfjsSpec } from '../runtime/layersEngine.js';

interface SavedModelInfo {
  name: string;
  shape?: number[];
  dtype: string;
}
/** The part of tfjs-node's TFSavedModel used here (tfjs-node is optional: no compile-time types). */
interface TfSavedModel {
  readonly inputs: SavedModelInfo[];
  readonly outputs: SavedModelInfo[];
  predict(x: Tensor): Tensor | Tensor[];
  dispose(): void;
}
type NodeTf = { node: { loadSavedModel(dir: string): Promise<TfSavedModel> } };

export function conversionAdvice(dir: string): string {
  return (
    `convert it once, to ONNX (\`python -m tf2onnx.convert --saved-model ${dir} --output model.onnx\`) ` +
    `or to a TensorFlow.js graph model (\`tensorflowjs_converter --input_format=tf_saved_model ${dir} ${dir}-tfjs\`), and serve that`
  );
}

export async function loadSavedModel(runtime: Runtime, dir: string): Promise<Engine> {
  if (runtime.backend.name !== 'tfjs-node') {
    const note = runtime.backend.notes.find((n) => n.startsWith('tfjs-node: '));
    const why = note === undefined ? `the backend is ${runtime.backend.name}` : note.slice('tfjs-node: '.length);
    throw new BackendError(`${dir}: a TensorFlow SavedModel, which needs libtensorflow through @tensorflow/tfjs-node (${why}); ${conversionAdvice(dir)}`);
  }
  let model: TfSavedModel;
  try {
    model = await (runtime.tf as unknown as NodeTf).node.loadSavedModel(dir);
  } catch (error) {
    throw new ModelError(`${dir}: tfjs-node cannot load the SavedModel (${(error as Error).message.split('\n')[0]})`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    model.dispose();
    throw new ModelError(`${dir}: the serving signature has ${model.inputs.length} inputs and ${model.outputs.length} outputs; tidepool serves one of each`);
  }
  const info = (what: string, t: SavedModelInfo) => tfjsSpec(dir, what, { name: t.name, dtype: t.dtype, shape: t.shape ?? [] });
  const input = info('input', model.inputs[0]!);
  const rowShape = input.shape.slice(1) as number[];
  const { tf } = runtime;
  return {
    backend: runtime.backend,
    input,
    output: info('output', model.outputs[0]!),
    labels: null,
    layersModel: null,
    run(data, rows) {
      return tf.tidy(() => {
        const y = model.predict(tf.tensor(tfjsValues(data, input.dtype), [rows, ...rowShape], input.dtype as 'float32' | 'int32'));
        return Float32Array.from((Array.isArray(y) ? y[0]! : y).dataSync());
      });
    },
    dispose() {
      model.dispose();
    },
  };
}
