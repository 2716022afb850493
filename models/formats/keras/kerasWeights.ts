/**
 * The weights of a Keras model, per layer, in the order the layer holds them (kernel, bias, ...),
 * from the two HDF5 layouts Keras writes: the legacy one of `model.save('m.h5')` (Keras 2 and 3)
 * and the one inside a Keras 3 `.keras` archive (model.weights.h5).
 */
import { ModelError } from '../../model/modelError.js';
import type { Hdf5Node } from './hdf5.js';
import type { KerasLayerRef } from './kerasConfig.js';

export interface WeightArray {
  /** Where it was read, for messages: "model_weights/dense/sequential/dense/kernel". */
  path: string;
  shape: number[];
  values: Float32Array;
}

export type LayerWeights = Map<string, WeightArray[]>;

function stringList(value: unknown): string[] {
  // h5wasm reads an empty string array as an empty numeric array.
  return Array.isArray(value) ? value.map(String) : [];
}

function read(file: string, group: Hdf5Node, name: string, where: string): WeightArray {
  const dataset = group.dataset(name);
  if (dataset === null) throw new ModelError(`${file}: ${where} lists the weight ${JSON.stringify(name)}, but ${group.path}/${name} is not a dataset`);
  return { path: `${group.path}/${name}`.replace(/^\//, ''), ...dataset };
}

/**
 * Legacy layout: `model_weights` holds a group per layer (attribute `layer_names`), each with the
 * attribute `weight_names` giving its weights' dataset paths in order: "dense/kernel:0" (Keras 2)
 * or "sequential/dense/kernel" (Keras 3). `optimizer_weights`, beside it, is never read.
 */
export function legacyLayerWeights(file: string, weightsGroup: Hdf5Node): LayerWeights {
  const out: LayerWeights = new Map();
  for (const layer of stringList(weightsGroup.attr('layer_names'))) {
    const group = weightsGroup.group(layer);
    if (group === null) throw new ModelError(`${file}: model_weights lists the layer ${JSON.stringify(layer)}, but has no group for it`);
    out.set(
      layer,
      stringList(group.attr('weight_names')).map((name) => read(file, group, name, `the weight_names of layer ${JSON.stringify(layer)}`)),
    );
  }
  return out;
}

/** keras.src.utils.naming.to_snake_case, which names a layer's group in a .keras weights file. */
export function kerasSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** A layer's own `vars/0..n`, then those of the objects it owns (an RNN's cell), depth first. */
function collectVars(file: string, group: Hdf5Node, out: WeightArray[]): void {
  const vars = group.group('vars');
  if (vars !== null) {
    const indices = vars
      .keys()
      .filter((key) => /^\d+$/.test(key))
      .map(Number)
      .sort((a, b) => a - b);
    for (const i of indices) out.push(read(file, vars, String(i), `${group.path}/vars`));
  }
  for (const key of group.keys().sort()) {
    if (key === 'vars') continue;
    const child = group.group(key);
    if (child !== null) collectVars(file, child, out);
  }
}

/**
 * Keras 3 layout: `layers/<name>/vars/<i>`, where <name> is not the layer's name but its class in
 * snake case, numbered among the model's layers of that class in order (dense, dense_1, ...),
 * because Keras saves by position, not by the (generated) names.
 */
export function kerasV3LayerWeights(file: string, root: Hdf5Node, layers: readonly KerasLayerRef[]): LayerWeights {
  const container = root.group('layers');
  if (container === null)
    throw new ModelError(`${file}: expected the Keras 3 weights layout with a "layers" group, got the members ${JSON.stringify(root.keys())}`);
  const out: LayerWeights = new Map();
  const used = new Map<string, number>();
  for (const layer of layers) {
    const base = kerasSnakeCase(layer.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    const key = n === undefined ? base : `${base}_${n + 1}`;
    const group = container.group(key);
    const weights: WeightArray[] = [];
    if (group !== null) collectVars(file, group, weights);
    out.set(layer.name, weights);
  }
  return out;
}
