/**
 * Keras models as TensorFlow.js LayersModels, read without Python: the `.h5` that `model.save`
 * and `ModelCheckpoint` write (Keras 2 / tf.keras 2.x and Keras 3), and Keras 3's `.keras` zip.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { DatasetError, readZip } from '../../data/zip.js';
import { ModelError } from '../../model/modelError.js';
import type { Tf } from '../../runtime/backend.js';
import { withHdf5, type Hdf5Node } from './hdf5.js';
import { configLayers, toTfjsModelConfig, type KerasJson } from './kerasConfig.js';
import { kerasV3LayerWeights, legacyLayerWeights, type LayerWeights } from './kerasWeights.js';

export interface KerasModel {
  model: LayersModel;
  /** "Keras 3.15.1 (jax)" */
  producer: string;
}

function parseConfig(file: string, where: string, text: unknown): KerasJson {
  if (typeof text !== 'string') throw new ModelError(`${file}: expected ${where} to be a JSON string, got ${typeof text}`);
  try {
    return JSON.parse(text) as KerasJson;
  } catch (error) {
    throw new ModelError(`${file}: ${where} is not valid JSON (${(error as Error).message})`);
  }
}

function producer(version: unknown, backend: unknown): string {
  return `Keras ${typeof version === 'string' ? version : 'of unknown version'}${typeof backend === 'string' ? ` (${backend})` : ''}`;
}

/** Every layer class must be one tfjs-layers registered; naming the first that is not beats tfjs' "Unknown layer". */
function checkLayerClasses(tf: Tf, file: string, config: KerasJson): void {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const layer of configLayers(config, { nested: true })) {
    if (!(layer.className in known)) {
      throw new ModelError(
        `${file}: layer ${JSON.stringify(layer.name)} is a ${layer.className}, which TensorFlow.js (tfjs-layers ${tf.version_layers}) cannot build; ` +
          'serve the model as ONNX instead (tf2onnx, or torch.onnx.export), which onnxruntime runs',
      );
    }
  }
}

async function build(tf: Tf, file: string, config: KerasJson, weights: LayerWeights): Promise<LayersModel> {
  const translated = toTfjsModelConfig(config);
  checkLayerClasses(tf, file, translated);
  let model: LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: translated } as Parameters<Tf['models']['modelFromJSON']>[0]);
  } catch (error) {
    throw new ModelError(`${file}: TensorFlow.js cannot build the model from its config (${(error as Error).message.split('\n')[0]})`);
  }
  try {
    assignWeights(tf, file, model, weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** Puts each layer's arrays into the built model, checking that counts and shapes are the model's. */
function assignWeights(tf: Tf, file: string, model: LayersModel, weights: LayerWeights): void {
  const byName = new Map(model.layers.map((layer) => [layer.name, layer]));
  for (const [name, arrays] of weights) {
    if (arrays.length > 0 && !byName.has(name))
      throw new ModelError(`${file}: holds weights for a layer ${JSON.stringify(name)}, which the model config does not have`);
  }
  for (const layer of model.layers) {
    const expected = layer.weights;
    const given = weights.get(layer.name) ?? [];
    const shapes = (list: readonly { shape: readonly (number | null)[] }[]) => JSON.stringify(list.map((w) => w.shape));
    if (expected.length !== given.length) {
      throw new ModelError(
        `${file}: layer ${JSON.stringify(layer.name)} (${layer.getClassName()}) has ${expected.length} weights ${shapes(expected)} in the model, ` +
          `but the file has ${given.length} ${shapes(given)}`,
      );
    }
    if (expected.length === 0) continue;
    expected.forEach((variable, i) => {
      const array = given[i]!;
      if (JSON.stringify(variable.shape) !== JSON.stringify(array.shape)) {
        throw new ModelError(
          `${file}: weight ${array.path} has shape ${JSON.stringify(array.shape)}; ` +
            `layer ${JSON.stringify(layer.name)} expects ${JSON.stringify(variable.shape)} for ${variable.originalName}`,
        );
      }
    });
    const tensors = given.map((array) => tf.tensor(array.values, array.shape));
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
}

function weightsOnly(root: Hdf5Node): boolean {
  return root.attr('layer_names') !== undefined || root.has('layers') || root.has('vars');
}

/** A Keras `.h5`/`.hdf5`: the root attribute `model_config` and the group `model_weights`. */
export async function loadKerasH5(tf: Tf, file: string): Promise<KerasModel> {
  const read = await withHdf5(file, (root) => {
    const config = root.attr('model_config');
    if (config === undefined) {
      if (weightsOnly(root)) {
        throw new ModelError(
          `${file}: holds only weights (as model.save_weights writes), no model_config to build the model from; ` +
            "save the whole model with model.save('model.h5') or model.save('model.keras')",
        );
      }
      throw new ModelError(`${file}: an HDF5 file, but not a Keras model: no model_config attribute (it holds ${JSON.stringify(root.keys().slice(0, 8))})`);
    }
    const weightsGroup = root.group('model_weights');
    if (weightsGroup === null) throw new ModelError(`${file}: has a model_config but no model_weights group; it holds ${JSON.stringify(root.keys())}`);
    return {
      config: parseConfig(file, 'the model_config attribute', config),
      weights: legacyLayerWeights(file, weightsGroup),
      producer: producer(root.attr('keras_version'), root.attr('backend')),
    };
  });
  return { model: await build(tf, file, read.config, read.weights), producer: read.producer };
}

/** A Keras 3 `.keras`: a zip of config.json, metadata.json and model.weights.h5. */
export async function loadKerasArchive(tf: Tf, file: string): Promise<KerasModel> {
  let members: Map<string, Uint8Array>;
  try {
    members = readZip(fs.readFileSync(file), file);
  } catch (error) {
    if (error instanceof DatasetError) throw new ModelError(`${file}: not a readable .keras archive (${error.message})`);
    throw error;
  }
  const member = (name: string): Uint8Array => {
    const bytes = members.get(name);
    if (bytes === undefined)
      throw new ModelError(`${file}: a zip, but not a Keras 3 .keras archive: no ${name} (it holds ${JSON.stringify([...members.keys()].slice(0, 8))})`);
    return bytes;
  };
  const config = parseConfig(file, 'config.json', Buffer.from(member('config.json')).toString('utf8'));
  const metadataBytes = members.get('metadata.json');
  const metadata =
    metadataBytes === undefined ? {} : (parseConfig(file, 'metadata.json', Buffer.from(metadataBytes).toString('utf8')) as Record<string, unknown>);
  // h5wasm reads files, not buffers: the weights go through a private temporary file.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidepool-keras-'));
  const weightsFile = path.join(dir, 'model.weights.h5');
  try {
    fs.writeFileSync(weightsFile, member('model.weights.h5'));
    const weights = await withHdf5(weightsFile, (root) => kerasV3LayerWeights(`${file} (model.weights.h5)`, root, configLayers(config)));
    return { model: await build(tf, file, config, weights), producer: producer(metadata.keras_version, undefined) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
