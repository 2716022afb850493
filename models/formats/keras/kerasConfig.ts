/**
 * Keras model configs as tfjs-layers reads them. tfjs-layers deserialises the Keras 2 format
 * (what tensorflowjs_converter was written against); Keras 3 writes the same layers with a few
 * differences of form, translated here. Pure: JSON in, JSON out.
 */

export type KerasJson = null | boolean | number | string | KerasJson[] | { [key: string]: KerasJson };
type Json = KerasJson;
type JsonObject = { [key: string]: Json };

export interface KerasLayerRef {
  name: string;
  className: string;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keras 3 DTypePolicy {"class_name": "DTypePolicy", "config": {"name": "float32"}} -> "float32". */
function dtypeName(value: Json): Json {
  if (!isObject(value) || !isObject(value.config) || typeof value.config.name !== 'string') return value;
  // Mixed-precision policies compute in float16 in Keras; TensorFlow.js computes in float32 with the same weights.
  const name = value.config.name;
  return name.startsWith('mixed_') || name === 'float16' || name === 'bfloat16' ? 'float32' : name;
}

/** A Keras 3 `__keras_tensor__` argument -> the Keras 2 node entry [layer, node index, tensor index, kwargs]. */
function tensorEntries(value: Json, out: Json[][]): void {
  if (Array.isArray(value)) {
    for (const item of value) tensorEntries(item, out);
    return;
  }
  if (!isObject(value) || value.class_name !== '__keras_tensor__' || !isObject(value.config)) return;
  const history = value.config.keras_history;
  if (Array.isArray(history) && history.length === 3) out.push([history[0]!, history[1]!, history[2]!, {}]);
}

/** Keras 3 inbound_nodes [{args, kwargs}] -> Keras 2 [[[layer, node, tensor, kwargs], ...], ...]. */
function inboundNodes(nodes: Json): Json {
  if (!Array.isArray(nodes)) return nodes;
  return nodes.map((node) => {
    if (!isObject(node) || !('args' in node)) return node;
    const entries: Json[][] = [];
    tensorEntries(node.args!, entries);
    if (isObject(node.kwargs)) for (const value of Object.values(node.kwargs)) tensorEntries(value, entries);
    return entries;
  });
}

/** Keras 3 writes a single model input or output as ["name", 0, 0]; Keras 2 always as a list of those. */
function tensorList(value: Json): Json {
  return Array.isArray(value) && value.length === 3 && typeof value[0] === 'string' ? [value] : value;
}

/** Serialised Keras objects (initializers, regularizers, constraints) lose Keras 3's module and registered_name. */
function plainObject(value: Json): Json {
  if (Array.isArray(value)) return value.map(plainObject);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'module' || key === 'registered_name') continue;
    out[key] = plainObject(item);
  }
  return out;
}

function layerConfig(className: string, config: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'dtype') out.dtype = dtypeName(value);
    else if (key === 'batch_shape' && className === 'InputLayer') out.batch_input_shape = value;
    // Keras 3 only: build bookkeeping and quantization, which have no TensorFlow.js counterpart.
    else if (key === 'build_config' || key === 'quantization_config' || key === 'optional') continue;
    else if (key === 'layers' && Array.isArray(value)) out.layers = value.map(layer);
    else if (key === 'input_layers' || key === 'output_layers') out[key] = tensorList(value);
    else out[key] = plainObject(value);
  }
  return out;
}

function layer(value: Json): Json {
  if (!isObject(value) || typeof value.class_name !== 'string') return value;
  const className = value.class_name;
  const out: JsonObject = { class_name: className, config: isObject(value.config) ? layerConfig(className, value.config) : (value.config ?? null) };
  if ('name' in value) out.name = value.name!;
  if ('inbound_nodes' in value) out.inbound_nodes = inboundNodes(value.inbound_nodes!);
  return out;
}

/**
 * A Keras 2 or Keras 3 model config (`model_config` of an .h5, config.json of a .keras) in the
 * form tfjs-layers deserialises. Keras 2 configs pass through unchanged but for the Keras-3-only
 * keys that tf.keras 2.13+ also writes (module, registered_name).
 */
export function toTfjsModelConfig(config: Json): Json {
  return layer(config);
}

/**
 * The layers of a model config with their classes, in config order: the model's own, or with
 * `nested` also those of the models inside it.
 */
export function configLayers(config: Json, options: { nested?: boolean } = {}): KerasLayerRef[] {
  const out: KerasLayerRef[] = [];
  const walk = (value: Json): void => {
    if (!isObject(value) || !isObject(value.config) || !Array.isArray(value.config.layers)) return;
    for (const entry of value.config.layers) {
      if (!isObject(entry) || typeof entry.class_name !== 'string') continue;
      const name = isObject(entry.config) && typeof entry.config.name === 'string' ? entry.config.name : typeof entry.name === 'string' ? entry.name : '?';
      out.push({ name, className: entry.class_name });
      if (options.nested) walk(entry);
    }
  };
  walk(config);
  return out;
}
