/**
 * Keras files a test needs beside the framework fixtures, made from them with h5wasm in the
 * layouts Keras 3 writes (see the fixtures' layout_keras3.txt listing of a real save_weights
 * file): a `.keras` archive, a weights-only `.weights.h5`, an `.h5` with an edited config.
 */
import fs from 'node:fs';
import type * as H5 from 'h5wasm';
import { zipOf } from './npzWriter.js';
import { kerasSnakeCase } from '../../models/formats/keras/kerasWeights.js';

type H5Wasm = typeof import('h5wasm');

async function h5(): Promise<H5Wasm> {
  const module = await import('h5wasm/node');
  await module.ready;
  return module as unknown as H5Wasm;
}

interface KerasParts {
  config: string;
  /** layer name -> [class name, arrays in order] for the layers that hold weights, in config order */
  layers: { name: string; className: string; arrays: { shape: number[]; values: Float32Array }[] }[];
}

/** model_config and each layer's weights of a legacy Keras .h5. */
async function readParts(file: string): Promise<KerasParts> {
  const lib = await h5();
  const f = new lib.File(file, 'r');
  try {
    const config = f.attrs['model_config']!.json_value as string;
    const weights = f.get('model_weights') as H5.Group;
    const parsed = JSON.parse(config) as { config: { layers: { class_name: string; config: { name: string } }[] } };
    const layers = parsed.config.layers
      .filter((l) => l.class_name !== 'InputLayer')
      .map((l) => {
        const group = weights.get(l.config.name) as H5.Group | null;
        const names = group?.attrs['weight_names']?.json_value;
        const arrays = (Array.isArray(names) ? (names as string[]) : []).map((n) => {
          const d = group!.get(n) as H5.Dataset;
          return { shape: d.shape!, values: d.value as Float32Array };
        });
        return { name: l.config.name, className: l.class_name, arrays };
      });
    return { config, layers };
  } finally {
    f.close();
  }
}

/** Keras 3's weights layout: layers/<class in snake case, numbered>/vars/<i>. */
async function writeV3Weights(file: string, parts: KerasParts): Promise<void> {
  const lib = await h5();
  const f = new lib.File(file, 'w');
  try {
    const layers = f.create_group('layers');
    const used = new Map<string, number>();
    for (const layer of parts.layers) {
      const base = kerasSnakeCase(layer.className);
      const n = used.get(base);
      used.set(base, n === undefined ? 0 : n + 1);
      const vars = layers.create_group(n === undefined ? base : `${base}_${n + 1}`).create_group('vars');
      vars.create_attribute('name', layer.name);
      layer.arrays.forEach((a, i) => vars.create_dataset({ name: String(i), data: a.values, shape: a.shape, dtype: '<f' }));
    }
    f.create_group('vars');
  } finally {
    f.close();
  }
}

/** A Keras 3 `.keras` archive (config.json, metadata.json, model.weights.h5) of a legacy .h5's model. */
export async function writeKerasArchive(fromH5: string, out: string): Promise<void> {
  const parts = await readParts(fromH5);
  const weights = `${out}.weights.tmp.h5`;
  await writeV3Weights(weights, parts);
  const members = new Map<string, Uint8Array>([
    ['metadata.json', Buffer.from(JSON.stringify({ keras_version: '3.15.1', date_saved: '2025-01-01@00:00:00' }))],
    ['config.json', Buffer.from(parts.config)],
    ['model.weights.h5', fs.readFileSync(weights)],
  ]);
  fs.rmSync(weights);
  fs.writeFileSync(out, zipOf(members, { deflate: true }));
}

/** What model.save_weights('m.weights.h5') writes in Keras 3: weights, no model_config. */
export async function writeWeightsOnly(fromH5: string, out: string): Promise<void> {
  await writeV3Weights(out, await readParts(fromH5));
}

/** A copy of a Keras .h5 whose model_config went through `edit`. */
export async function withEditedConfig(fromH5: string, out: string, edit: (config: string) => string): Promise<void> {
  fs.copyFileSync(fromH5, out);
  const lib = await h5();
  const f = new lib.File(out, 'a');
  try {
    const config = f.attrs['model_config']!.json_value as string;
    f.delete_attribute('model_config');
    f.create_attribute('model_config', edit(config));
  } finally {
    f.close();
  }
}
