/**
 * ONNX models on onnxruntime-node, an optional dependency detected at run time (as tfjs-node is):
 * its install script fetches GPU files that most machines cannot, so it may be absent.
 */
import { createRequire } from 'node:module';
import { ModelError } from '../../model/modelError.js';
import { BackendError, type BackendRequest } from '../../runtime/backend.js';
import { describeShape, TENSOR_DTYPES, type Engine, type RowData, type TensorDtype, type TensorSpec } from '../../runtime/engine.js';
import { ProtobufError } from './protobuf.js';
import { readOnnxSummary, type OnnxSummary } from './onnxModel.js';

const require = createRequire(import.meta.url);

/**
 * The part of onnxruntime-node's API used here, typed locally: the package is optional, and the
 * build must not need its types where it failed to install.
 */
interface OrtTensor {
  readonly data: unknown;
}
interface ValueMetadata {
  name: string;
  isTensor: boolean;
  type: string;
  /** numbers, or names ("batch", "") for symbolic dimensions */
  shape: readonly (number | string)[];
}
interface OrtSession {
  readonly inputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  run(feeds: Record<string, OrtTensor>, fetches: string[]): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  InferenceSession: { create(file: string, options: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: TensorDtype, data: Float32Array | Float64Array | Int32Array | BigInt64Array, dims: number[]) => OrtTensor;
}

export const ONNXRUNTIME_PACKAGE = 'onnxruntime-node';

function loadOrt(): { ort: Ort; version: string } | { error: string } {
  try {
    const ort = require(ONNXRUNTIME_PACKAGE) as Ort;
    const version = (require(`${ONNXRUNTIME_PACKAGE}/package.json`) as { version: string }).version;
    return { ort, version };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0]!.trim() };
  }
}

/** Why a file is or is not an ONNX model, read from its bytes: null when it is one. */
export function onnxProblem(bytes: Uint8Array): string | null {
  try {
    readOnnxSummary(bytes);
    return null;
  } catch (error) {
    if (error instanceof ProtobufError) return error.message;
    throw error;
  }
}

function spec(file: string, what: string, meta: ValueMetadata): TensorSpec {
  if (!meta.isTensor) {
    throw new ModelError(
      `${file}: the model's ${what} ${JSON.stringify(meta.name)} is not a tensor (a sequence or map, e.g. skl2onnx's ZipMap); ` +
        "convert a scikit-learn classifier with options={'zipmap': False}",
    );
  }
  if (!(TENSOR_DTYPES as readonly string[]).includes(meta.type))
    throw new ModelError(`${file}: the model's ${what} ${JSON.stringify(meta.name)} is ${meta.type}; tidepool feeds and reads ${TENSOR_DTYPES.join(', ')}`);
  // Symbolic dimensions ("batch", or "" from skl2onnx) take any size.
  return { name: meta.name, dtype: meta.type as TensorDtype, shape: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : null)) };
}

/**
 * The output to serve: the one tensor output, or of a classifier's label + probabilities (skl2onnx),
 * the float one; the label is picked from the same probabilities with the classes read from the graph.
 */
function servedOutput(file: string, outputs: readonly ValueMetadata[]): ValueMetadata {
  if (outputs.length === 1) return outputs[0]!;
  const floats = outputs.filter((o) => o.isTensor && (o.type === 'float32' || o.type === 'float64'));
  const labels = outputs.filter((o) => o.isTensor && o.shape.length === 1 && (o.type === 'int64' || o.type === 'string'));
  if (floats.length === 1 && labels.length === outputs.length - 1) return floats[0]!;
  const list = outputs.map((o) =>
    o.isTensor ? `${o.name} ${o.type} ${describeShape(o.shape.map((d) => (typeof d === 'number' ? d : null)))}` : `${o.name} (not a tensor)`,
  );
  throw new ModelError(
    `${file}: the model has ${outputs.length} outputs (${list.join(', ')}); tidepool serves one output, or a classifier's label and probabilities`,
  );
}

function toTensor(ort: Ort, dtype: TensorDtype, data: RowData, dims: number[]): OrtTensor {
  switch (dtype) {
    case 'float32':
      return new ort.Tensor('float32', data instanceof Float32Array ? data : Float32Array.from(data), dims);
    case 'float64':
      return new ort.Tensor('float64', data instanceof Float64Array ? data : Float64Array.from(data), dims);
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(data), dims);
    case 'int64':
      return new ort.Tensor(
        'int64',
        BigInt64Array.from(data, (v) => BigInt(v)),
        dims,
      );
  }
}

export interface OnnxModel {
  engine: Engine;
  summary: OnnxSummary;
}

/**
 * Opens an ONNX file (external weights, `model.onnx.data`, are found next to it) on one CPU
 * thread: tidepool scales with worker processes, one per core, and onnxruntime's default thread
 * pool per process would have them all compete for the same cores.
 */
export async function loadOnnx(file: string, bytes: Uint8Array, requested: BackendRequest): Promise<OnnxModel> {
  if (requested !== 'auto' && requested !== 'onnxruntime') {
    throw new BackendError(
      `Backend ${JSON.stringify(requested)} was requested, but ${file} is an ONNX model, which only onnxruntime runs; use --backend auto or onnxruntime`,
    );
  }
  const summary = readOnnxSummary(bytes);
  const loaded = loadOrt();
  if ('error' in loaded) {
    throw new BackendError(
      `${file} is an ONNX model, which needs ${ONNXRUNTIME_PACKAGE} (an optional dependency), but it cannot load: ${loaded.error}. ` +
        `Install it with \`ONNXRUNTIME_NODE_INSTALL=skip npm install ${ONNXRUNTIME_PACKAGE}\` (skip: its bundled CPU build, no GPU download)`,
    );
  }
  const { ort, version } = loaded;
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(file, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    const message = (error as Error).message.replace(/\s+/g, ' ').trim();
    throw new ModelError(`${file}: onnxruntime ${version} cannot load it (${message}); the graph uses the operators ${summary.ops.join(', ')}`);
  }
  if (session.inputMetadata.length !== 1) {
    await session.release();
    throw new ModelError(
      `${file}: the model has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); tidepool serves models with one input`,
    );
  }
  const input = spec(file, 'input', session.inputMetadata[0]!);
  const outputMeta = servedOutput(file, session.outputMetadata);
  const output = spec(file, 'output', outputMeta);
  const rowShape = input.shape.slice(1) as number[];
  const fetch = [output.name];
  return {
    summary,
    engine: {
      backend: { requested, name: 'onnxruntime', detail: `onnxruntime ${version} (CPU, 1 thread)`, notes: [] },
      input,
      output,
      labels: session.outputMetadata.length > 1 ? summary.classLabels : null,
      layersModel: null,
      async run(data, rows) {
        const result = await session.run({ [input.name]: toTensor(ort, input.dtype, data, [rows, ...rowShape]) }, fetch);
        const values = result[output.name]!.data;
        return values instanceof Float32Array ? values : Float32Array.from(values as Float64Array);
      },
      dispose() {
        void session.release();
      },
    },
  };
}
