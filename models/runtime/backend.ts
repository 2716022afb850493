import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import type * as TfWasm from '@tensorflow/tfjs-backend-wasm';

/** The TensorFlow.js tidepool uses: tensors, training and io (tfjs-core), models and layers (tfjs-layers). */
export type Tf = typeof TfCore & typeof TfLayers;
/** The TensorFlow.js backends: they train, and they are the reference every model is checked against. */
export type TfjsBackendName = 'tfjs-node' | 'wasm' | 'cpu';
export type TfjsBackendRequest = 'auto' | TfjsBackendName;
/**
 * 'sparse' is tidepool's plain-JS forward pass (models/sparse/): it serves, it never trains.
 * 'onnxruntime' runs ONNX models (onnxruntime-node), and only those.
 */
export type BackendName = TfjsBackendName | 'sparse' | 'onnxruntime';
export type BackendRequest = 'auto' | BackendName;

export interface BackendChoice {
  requested: BackendRequest;
  name: BackendName;
  /** e.g. "wasm (SIMD, 1 thread)" */
  detail: string;
  /** Why better backends were not used, in words. */
  notes: string[];
}

/** The TensorFlow.js namespace to use (tfjs-node's when it loaded) and the backend it runs on. */
export interface Runtime {
  tf: Tf;
  backend: BackendChoice & { name: TfjsBackendName };
}

export class BackendError extends Error {
  override name = 'BackendError';
}

export const TFJS_BACKEND_REQUESTS: readonly TfjsBackendRequest[] = ['auto', 'tfjs-node', 'wasm', 'cpu'];
export const BACKEND_REQUESTS: readonly BackendRequest[] = [...TFJS_BACKEND_REQUESTS, 'sparse', 'onnxruntime'];

function parseChoice<T extends string>(choices: readonly T[], text: string, what: string): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new BackendError(`Expected ${what} to be one of ${choices.join(', ')}, got ${JSON.stringify(text)}`);
}

/** A backend to serve with (predictions): any TensorFlow.js backend, or 'sparse'. */
export function parseBackendRequest(text: string, what = 'backend'): BackendRequest {
  return parseChoice(BACKEND_REQUESTS, text, what);
}

/** A backend to train with: TensorFlow.js only. */
export function parseTfjsBackendRequest(text: string, what = 'backend'): TfjsBackendRequest {
  return parseChoice(TFJS_BACKEND_REQUESTS, text, what);
}

const require = createRequire(import.meta.url);

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Native-binding failures span many lines (the whole dlopen story); the first says what happened.
  return message.split('\n')[0]!.trim();
}

/**
 * Every worker loads TensorFlow.js at spawn, so how matters. require(), not import(): importing
 * these CommonJS packages from ESM makes Node scan their sources, and every package they re-export,
 * for export names, which took ~450 ms per process here. Only core, layers and the cpu backend:
 * the @tensorflow/tfjs umbrella adds the converter, tfjs-data, webgl and its own 1.3 MB bundle,
 * ~65 ms more, for nothing tidepool calls.
 */
function loadTfjs(): Tf {
  const core = require('@tensorflow/tfjs-core') as typeof TfCore;
  const layers = require('@tensorflow/tfjs-layers') as typeof TfLayers;
  // Registers the 'cpu' backend.
  require('@tensorflow/tfjs-backend-cpu');
  // Production mode silences tfjs' "install tfjs-node to speed things up" banner, which every
  // worker would otherwise print; backend.notes already says why tfjs-node is not used.
  core.enableProdMode();
  return Object.assign({}, core, layers);
}

async function tryTfjsNode(): Promise<{ tf: Tf } | { error: string }> {
  // A variable specifier keeps TypeScript from requiring the (optional, usually absent) package's types.
  const specifier = '@tensorflow/tfjs-node';
  try {
    const tf = require(specifier) as Tf;
    await tf.ready();
    if (tf.getBackend() !== 'tensorflow') return { error: `it loaded but runs on ${JSON.stringify(tf.getBackend())}, not the native "tensorflow" backend` };
    return { tf };
  } catch (error) {
    // Absent package, or present without its native libtensorflow binding: both just mean "not available".
    return { error: describe(error) };
  }
}

async function tryWasm(tf: Tf): Promise<{ detail: string; notes: string[] } | { error: string }> {
  try {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof TfWasm;
    // In Node the .wasm binaries are read from disk: point tfjs at the package's own dist directory.
    wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
    if (!(await tf.setBackend('wasm'))) return { error: 'tf.setBackend("wasm") returned false' };
    await tf.ready();
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    const notes: string[] = [];
    if (!simd) notes.push('wasm: this Node has no WebAssembly SIMD, so the slower scalar build is used');
    if (!threads) notes.push('wasm: multithreaded wasm is unavailable in Node, so each process computes on 1 thread (scale with workers instead)');
    return { detail: `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multithreaded' : '1 thread'})`, notes };
  } catch (error) {
    return { error: describe(error) };
  }
}

async function useCpu(tf: Tf): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new BackendError('tf.setBackend("cpu") returned false: the pure-JS backend is not registered');
  await tf.ready();
}

/**
 * Picks the fastest backend that works here. 'auto' walks tfjs-node -> wasm -> cpu and records
 * why each better one was skipped; an explicit request that cannot load is an error, because a
 * user who asked for a backend wants to know it is not the one running.
 * The backend is process-wide in TensorFlow.js: the last call wins for every model in the process.
 */
export async function selectBackend(requested: TfjsBackendRequest = 'auto'): Promise<Runtime> {
  parseTfjsBackendRequest(requested);
  const notes: string[] = [];

  if (requested === 'auto' || requested === 'tfjs-node') {
    const native = await tryTfjsNode();
    if ('tf' in native) {
      return { tf: native.tf, backend: { requested, name: 'tfjs-node', detail: 'tfjs-node (native libtensorflow)', notes } };
    }
    if (requested === 'tfjs-node') {
      throw new BackendError(
        `Backend "tfjs-node" was requested but cannot load: ${native.error}. Install @tensorflow/tfjs-node 4.22.0 with its native binding, or use --backend wasm`,
      );
    }
    notes.push(`tfjs-node: not available (${native.error})`);
  }

  const tf = loadTfjs();
  if (requested === 'auto' || requested === 'wasm') {
    const wasm = await tryWasm(tf);
    if ('detail' in wasm) return { tf, backend: { requested, name: 'wasm', detail: wasm.detail, notes: [...notes, ...wasm.notes] } };
    if (requested === 'wasm') {
      throw new BackendError(
        `Backend "wasm" was requested but cannot load: ${wasm.error}. Check that @tensorflow/tfjs-backend-wasm 4.22.0 is installed, or use --backend cpu`,
      );
    }
    notes.push(`wasm: not available (${wasm.error})`);
  }

  await useCpu(tf);
  if (requested === 'cpu') notes.push('cpu: requested explicitly (pure JavaScript, about 8x slower than wasm)');
  return { tf, backend: { requested, name: 'cpu', detail: 'cpu (pure JavaScript)', notes } };
}
