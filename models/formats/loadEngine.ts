/**
 * A model source, whatever its format, as an engine on that format's fastest runtime here:
 * onnxruntime for ONNX, TensorFlow.js (tfjs-node, else wasm, else cpu) for everything else.
 */
import path from 'node:path';
import type { io, LayersModel } from '@tensorflow/tfjs';
import { MODEL_FILE } from '../model/layout.js';
import { ModelError } from '../model/modelError.js';
import { checkModelShape, readModelFiles, readModelJson } from '../model/store.js';
import { BackendError, selectBackend, type BackendRequest, type Runtime } from '../runtime/backend.js';
import type { Engine } from '../runtime/engine.js';
import { layersEngine } from '../runtime/layersEngine.js';
import { Vocabulary } from '../text/vocabulary.js';
import type { ModelMetadata } from '../model/metadata.js';
import type { ModelSource } from './detect.js';
import { loadKerasArchive, loadKerasH5 } from './keras/loadKeras.js';
import { loadOnnx } from './onnx/onnxEngine.js';
import { loadGraphModel } from './tfjs/graphModel.js';
import { loadSavedModel } from './savedModel.js';

/** What tidepool's own model directory says of its input and output (metadata.json, word_index.json). */
export interface DescribedText {
  vocabulary: Vocabulary;
  wordIndex: ReadonlyMap<string, number>;
  metadata: ModelMetadata;
}

export interface LoadedEngine {
  engine: Engine;
  /** Who wrote the model: "Keras 3.15.1 (jax)", "pytorch 2.13.0" */
  producer: string;
  described: DescribedText | null;
}

async function tfjsRuntime(source: ModelSource, requested: BackendRequest): Promise<Runtime> {
  if (requested === 'onnxruntime')
    throw new BackendError(`Backend "onnxruntime" was requested, but ${source.path} is not an ONNX model; onnxruntime runs only those. Use --backend auto`);
  // The sparse path is tried later, on a loaded TensorFlow.js model: it needs TensorFlow.js first.
  return selectBackend(requested === 'sparse' ? 'auto' : requested);
}

async function layersModelFromJson(runtime: Runtime, file: string, artifacts: io.ModelArtifacts): Promise<LayersModel> {
  try {
    return await runtime.tf.loadLayersModel({ load: async () => artifacts });
  } catch (error) {
    throw new ModelError(`${file}: TensorFlow.js cannot build the model (${(error as Error).message})`);
  }
}

/** The model as an engine; disposed when it cannot be one (two inputs, a string output, ...). */
function engineOf(runtime: Runtime, model: LayersModel, file: string): Engine {
  try {
    return layersEngine(runtime, model, file);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

export async function loadEngine(source: ModelSource, requested: BackendRequest): Promise<LoadedEngine> {
  const file = source.path;
  if (source.format === 'onnx') {
    const { engine, summary } = await loadOnnx(file, source.bytes!, requested);
    return { engine, producer: summary.producer, described: null };
  }
  const runtime = await tfjsRuntime(source, requested);
  switch (source.format) {
    case 'tidepool': {
      const files = readModelFiles(runtime.tf, file);
      const model = await layersModelFromJson(runtime, path.join(files.dir, MODEL_FILE), files.artifacts);
      try {
        checkModelShape(model, files);
      } catch (error) {
        model.dispose();
        throw error;
      }
      const { metadata, wordIndex } = files;
      return {
        engine: engineOf(runtime, model, file),
        producer: `tidepool train: ${metadata.trainedOn}`,
        described: { vocabulary: new Vocabulary(wordIndex, metadata.encoding), wordIndex, metadata },
      };
    }
    case 'keras-h5':
    case 'keras': {
      const { model, producer } = await (source.format === 'keras' ? loadKerasArchive : loadKerasH5)(runtime.tf, file);
      return { engine: engineOf(runtime, model, file), producer, described: null };
    }
    case 'tfjs-layers': {
      const { artifacts } = readModelJson(runtime.tf, file);
      const model = await layersModelFromJson(runtime, file, artifacts);
      return { engine: engineOf(runtime, model, file), producer: artifacts.generatedBy ?? 'TensorFlow.js', described: null };
    }
    case 'tfjs-graph': {
      const { artifacts } = readModelJson(runtime.tf, file);
      const producer =
        [artifacts.convertedBy, artifacts.generatedBy && `from TensorFlow ${artifacts.generatedBy}`].filter(Boolean).join(' ') || 'TensorFlow.js';
      return { engine: await loadGraphModel(runtime, file, artifacts), producer, described: null };
    }
    case 'saved-model':
      return { engine: await loadSavedModel(runtime, file), producer: 'TensorFlow SavedModel', described: null };
  }
}
