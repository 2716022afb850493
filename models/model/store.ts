import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { io, LayersModel } from '@tensorflow/tfjs';
import type { Tf } from '../runtime/backend.js';
import { ModelError } from './modelError.js';
import { parseMetadata, type ModelMetadata } from './metadata.js';
import { METADATA_FILE, MODEL_FILE, WEIGHTS_FILE, WORD_INDEX_FILE } from './layout.js';

/** Everything a model directory holds, read and checked, before TensorFlow.js sees it. */
export interface ModelFiles {
  dir: string;
  artifacts: io.ModelArtifacts;
  metadata: ModelMetadata;
  wordIndex: Map<string, number>;
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function readFile(dir: string, name: string, what: string): Buffer {
  const file = path.join(dir, name);
  try {
    return fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ModelError(`${file}: missing; expected ${what} in the model directory ${dir}`);
    throw new ModelError(`${file}: cannot read ${what} (${(error as Error).message})`);
  }
}

function readJson(dir: string, name: string, what: string): { json: unknown; bytes: Buffer } {
  const bytes = readFile(dir, name, what);
  try {
    return { json: JSON.parse(bytes.toString('utf8')), bytes };
  } catch (error) {
    throw new ModelError(`${path.join(dir, name)}: expected ${what} as JSON, got unparsable text (${(error as Error).message})`);
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function checkDirectory(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new ModelError(
      `Model directory ${dir} does not exist; expected a directory with ${MODEL_FILE}, ${WEIGHTS_FILE}, ${METADATA_FILE} and ${WORD_INDEX_FILE} (create one with \`tidepool train --out ${dir}\`)`,
    );
  }
  if (!stat.isDirectory())
    throw new ModelError(
      `Model directory ${dir} is not a directory; expected a directory with ${MODEL_FILE}, ${WEIGHTS_FILE}, ${METADATA_FILE} and ${WORD_INDEX_FILE}`,
    );
}

/** A TensorFlow.js model.json: layers-model (Keras' layers) or graph-model (tensorflowjs_converter of a SavedModel). */
export type TfjsModelFormat = 'layers-model' | 'graph-model';

/**
 * A TensorFlow.js model.json, with the weight shards it lists read (relative to its directory)
 * and size-checked. `format` is the one it declares or, for the older files without one, the
 * one its topology has (Keras layers, or a GraphDef's nodes).
 */
export function readModelJson(tf: Tf, file: string): { artifacts: io.ModelArtifacts; format: TfjsModelFormat } {
  const dir = path.dirname(file);
  const name = path.basename(file);
  const { json } = readJson(dir, name, 'the TensorFlow.js model');
  const model = json as Partial<io.ModelJSON> | null;
  if (typeof model !== 'object' || model === null || Array.isArray(model))
    throw new ModelError(`${file}: expected a JSON object, got ${JSON.stringify(json)?.slice(0, 60)}`);
  if (typeof model.modelTopology !== 'object' || model.modelTopology === null)
    throw new ModelError(`${file}: expected a "modelTopology" object, got ${JSON.stringify(model.modelTopology)?.slice(0, 60) ?? 'nothing'}`);
  const declared = model.format;
  if (declared !== undefined && declared !== 'layers-model' && declared !== 'graph-model') {
    throw new ModelError(`${file}: expected "format" to be "layers-model" or "graph-model", got ${JSON.stringify(declared)}`);
  }
  const format: TfjsModelFormat = declared ?? ('node' in model.modelTopology ? 'graph-model' : 'layers-model');
  if (!Array.isArray(model.weightsManifest))
    throw new ModelError(`${file}: expected a "weightsManifest" array, got ${JSON.stringify(model.weightsManifest)?.slice(0, 60) ?? 'nothing'}`);

  const weightSpecs: io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const [g, group] of model.weightsManifest.entries()) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights))
      throw new ModelError(`${file}: expected weightsManifest[${g}] to have "paths" and "weights" arrays, got ${JSON.stringify(group)?.slice(0, 80)}`);
    let expected = 0;
    for (const spec of group.weights) {
      const size = BYTES_PER_ELEMENT[spec.quantization?.dtype ?? spec.dtype];
      if (size === undefined || !Array.isArray(spec.shape))
        throw new ModelError(`${file}: weight ${JSON.stringify(spec.name)} has an unsupported dtype or shape (${JSON.stringify(spec)})`);
      expected += size * spec.shape.reduce((a, b) => a * b, 1);
      weightSpecs.push(spec);
    }
    // Paths are relative to model.json; reject anything that would climb out of the model directory.
    const shards = group.paths.map((shard) => {
      if (typeof shard !== 'string' || path.isAbsolute(shard) || shard.split(/[\\/]/).includes('..'))
        throw new ModelError(`${file}: expected weight paths relative to the model directory, got ${JSON.stringify(shard)}`);
      return readFile(dir, shard, `weights listed in ${name}`);
    });
    const got = shards.reduce((sum, shard) => sum + shard.length, 0);
    if (got !== expected) {
      throw new ModelError(
        `${path.join(dir, group.paths.join(', '))}: expected ${expected} bytes of weights (as the manifest in ${name} lists), ` +
          `got ${got} bytes${got < expected ? ' (truncated?)' : ''}`,
      );
    }
    buffers.push(...shards);
  }
  const weightData = new Uint8Array(Buffer.concat(buffers)).buffer;
  return { artifacts: tf.io.getModelArtifactsForJSONSync(model as io.ModelJSON, weightSpecs, weightData), format };
}

/** model.json of a tidepool model directory: the TensorFlow.js layers format. */
function readArtifacts(tf: Tf, dir: string): io.ModelArtifacts {
  const file = path.join(dir, MODEL_FILE);
  const { artifacts, format } = readModelJson(tf, file);
  if (format !== 'layers-model') throw new ModelError(`${file}: expected "format" to be "layers-model", got ${JSON.stringify(format)}`);
  return artifacts;
}

/** word_index.json: word -> rank, ranks positive and distinct, and the very file metadata.json names. */
function readWordIndex(dir: string, metadata: ModelMetadata): Map<string, number> {
  const name = metadata.wordIndex.file;
  const file = path.join(dir, name);
  const { json, bytes } = readJson(dir, name, 'the word index (word -> rank)');
  const digest = sha256(bytes);
  if (digest !== metadata.wordIndex.sha256) {
    throw new ModelError(
      `${file}: does not match the model: expected sha256 ${metadata.wordIndex.sha256} (recorded in ${METADATA_FILE}), got ${digest}; the word index belongs to another model`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ModelError(`${file}: expected an object of word -> rank, got ${Array.isArray(json) ? 'an array' : typeof json}`);
  const index = new Map<string, number>();
  const seen = new Set<number>();
  for (const [word, rank] of Object.entries(json)) {
    if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1)
      throw new ModelError(`${file}: expected the rank of ${JSON.stringify(word)} to be an integer >= 1, got ${JSON.stringify(rank)}`);
    if (seen.has(rank)) throw new ModelError(`${file}: expected distinct ranks, got rank ${rank} twice (again for ${JSON.stringify(word)})`);
    seen.add(rank);
    index.set(word, rank);
  }
  if (index.size !== metadata.wordIndex.words)
    throw new ModelError(`${file}: expected ${metadata.wordIndex.words} words (recorded in ${METADATA_FILE}), got ${index.size}`);
  return index;
}

/** Reads and cross-checks a model directory; throws ModelError naming the file at fault. */
export function readModelFiles(tf: Tf, dir: string): ModelFiles {
  const absolute = path.resolve(dir);
  checkDirectory(absolute);
  const artifacts = readArtifacts(tf, absolute);
  const metadataFile = path.join(absolute, METADATA_FILE);
  const metadata = parseMetadata(readJson(absolute, METADATA_FILE, 'the model metadata (labels, num_words, metrics)').json, metadataFile);
  const wordIndex = readWordIndex(absolute, metadata);
  return { dir: absolute, artifacts, metadata, wordIndex };
}

/** The input width and class count a loaded model really has must be the ones metadata.json claims. */
export function checkModelShape(model: LayersModel, files: ModelFiles): void {
  const inputShape = model.inputs[0]?.shape;
  const outputShape = model.outputs[0]?.shape;
  const where = path.join(files.dir, MODEL_FILE);
  if (model.inputs.length !== 1 || inputShape?.length !== 2)
    throw new ModelError(`${where}: expected one input of shape [batch, numWords], got ${JSON.stringify(model.inputs.map((input) => input.shape))}`);
  if (model.outputs.length !== 1 || outputShape?.length !== 2)
    throw new ModelError(`${where}: expected one output of shape [batch, classes], got ${JSON.stringify(model.outputs.map((output) => output.shape))}`);
  if (inputShape[1] !== files.metadata.numWords) {
    throw new ModelError(
      `${path.join(files.dir, METADATA_FILE)}: numWords is ${files.metadata.numWords}, but the model in ${MODEL_FILE} expects ${inputShape[1]} inputs; the word index and num_words must be the ones the model was trained with`,
    );
  }
  if (outputShape[1] !== files.metadata.labels.length) {
    throw new ModelError(
      `${path.join(files.dir, METADATA_FILE)}: lists ${files.metadata.labels.length} labels, but the output layer in ${MODEL_FILE} has ${outputShape[1]} classes`,
    );
  }
}

function writeAtomically(file: string, data: string | Uint8Array): void {
  // A server may be (re)loading this directory: never let it see a half-written file.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, file);
}

/**
 * Writes the model in the TensorFlow.js layers format (model.json + weights.bin) with node:fs,
 * so no tfjs-node file:// handler is needed, plus word_index.json and metadata.json.
 */
export async function writeModelFiles(
  tf: Tf,
  model: LayersModel,
  dir: string,
  metadata: Omit<ModelMetadata, 'wordIndex'>,
  wordIndex: ReadonlyMap<string, number>,
): Promise<ModelMetadata> {
  fs.mkdirSync(dir, { recursive: true });
  const indexText = JSON.stringify(Object.fromEntries(wordIndex));
  const full: ModelMetadata = { ...metadata, wordIndex: { file: WORD_INDEX_FILE, sha256: sha256(Buffer.from(indexText, 'utf8')), words: wordIndex.size } };
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      };
      writeAtomically(path.join(dir, WEIGHTS_FILE), new Uint8Array(weightData));
      writeAtomically(path.join(dir, WORD_INDEX_FILE), indexText);
      writeAtomically(path.join(dir, METADATA_FILE), JSON.stringify(full, null, 2) + '\n');
      writeAtomically(path.join(dir, MODEL_FILE), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return full;
}
