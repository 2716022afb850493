/**
 * HDF5 files through h5wasm (the HDF5 C library compiled to WebAssembly, in its npm package).
 * Loaded on first use: a worker serving another format never pays for its 0.3 s start.
 */
import type * as H5 from 'h5wasm';
import { ModelError } from '../../model/modelError.js';

type H5Wasm = typeof import('h5wasm');

let library: Promise<H5Wasm> | null = null;

function h5wasm(): Promise<H5Wasm> {
  library ??= import('h5wasm/node').then(async (module) => {
    const wasm = await module.ready;
    // Without it, HDF5 prints its error stack to stderr and h5wasm returns an unusable handle.
    wasm.activate_throwing_error_handler();
    return module as unknown as H5Wasm;
  });
  return library;
}

/** HDF5's error stack, innermost last: its last "in FUNCTION(): message" line is the cause. */
function hdf5Cause(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const causes = [...text.matchAll(/ in [A-Za-z0-9_]+\(\): (.*)$/gm)].map((m) => m[1]!.trim());
  return causes.at(-1) ?? text.split('\n')[0]!.trim();
}

export interface Hdf5Node {
  path: string;
  attr(name: string): unknown;
  has(name: string): boolean;
  keys(): string[];
  group(name: string): Hdf5Node | null;
  dataset(name: string): { shape: number[]; values: Float32Array } | null;
}

function wrap(file: string, group: H5.Group): Hdf5Node {
  const fail = (what: string, error: unknown): never => {
    throw new ModelError(`${file}: cannot read ${what} (HDF5: ${hdf5Cause(error)})`);
  };
  const get = (name: string): ReturnType<H5.Group['get']> => {
    try {
      return group.get(name);
    } catch (error) {
      return fail(`${group.path}/${name}`, error);
    }
  };
  const node: Hdf5Node = {
    path: group.path,
    attr(name) {
      try {
        const attribute = group.attrs[name];
        return attribute === undefined ? undefined : attribute.json_value;
      } catch (error) {
        return fail(`attribute ${name} of ${group.path}`, error);
      }
    },
    has(name) {
      return node.keys().includes(name);
    },
    keys() {
      try {
        return group.keys();
      } catch (error) {
        return fail(`the members of ${group.path}`, error);
      }
    },
    group(name) {
      const entity = get(name);
      return entity !== null && 'keys' in entity ? wrap(file, entity as H5.Group) : null;
    },
    dataset(name) {
      const entity = get(name);
      if (entity === null || !('shape' in entity)) return null;
      const dataset = entity as H5.Dataset;
      // HDF5 type class 1 is floating point. h5wasm hands other widths (float16) over as raw bytes.
      const { type, size } = dataset.metadata;
      if (type !== 1 || (size !== 4 && size !== 8)) {
        throw new ModelError(`${file}: dataset ${dataset.path} has type ${JSON.stringify(dataset.dtype)}; expected float32 or float64 weights`);
      }
      let value: unknown;
      try {
        value = dataset.value;
      } catch (error) {
        return fail(`the dataset ${dataset.path}`, error);
      }
      const shape = dataset.shape ?? [];
      // float64 weights become float32, what TensorFlow.js computes in.
      return { shape, values: value instanceof Float32Array ? value : Float32Array.from(value as Float64Array) };
    },
  };
  return node;
}

/** Opens an HDF5 file read-only, runs `read` on its root group, and closes it. */
export async function withHdf5<T>(file: string, read: (root: Hdf5Node) => T): Promise<T> {
  const h5 = await h5wasm();
  let handle: H5.File;
  try {
    handle = new h5.File(file, 'r');
  } catch (error) {
    throw new ModelError(`${file}: not a readable HDF5 file (${hdf5Cause(error)})`);
  }
  try {
    return read(wrap(file, handle));
  } finally {
    handle.close();
  }
}
