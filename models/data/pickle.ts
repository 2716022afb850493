import { DatasetError } from './zip.js';

/** A Python tuple (kept apart from lists, which are plain arrays). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A module-level Python name, e.g. numpy.core.multiarray._reconstruct. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** The result of calling a global (REDUCE), with the state BUILD later gave it. */
export class PyObject {
  state: PyValue = undefined;

  constructor(
    readonly callable: PyGlobal,
    readonly args: PyTuple,
  ) {}
}

export type PyValue = number | bigint | string | boolean | null | undefined | Uint8Array | PyValue[] | PyTuple | PyGlobal | PyObject | Map<PyValue, PyValue>;

/**
 * Opcode names by byte, for the subset numpy's object arrays need (protocols 2-5, also the
 * Python 2 pickles older Keras datasets were written with). Anything else is refused by name.
 */
const OPCODE_NAMES: Record<number, string> = {
  0x80: 'PROTO',
  0x95: 'FRAME',
  0x2e: 'STOP',
  0x28: 'MARK',
  0x5d: 'EMPTY_LIST',
  0x29: 'EMPTY_TUPLE',
  0x7d: 'EMPTY_DICT',
  0x61: 'APPEND',
  0x65: 'APPENDS',
  0x6c: 'LIST',
  0x74: 'TUPLE',
  0x85: 'TUPLE1',
  0x86: 'TUPLE2',
  0x87: 'TUPLE3',
  0x73: 'SETITEM',
  0x75: 'SETITEMS',
  0x4a: 'BININT',
  0x4b: 'BININT1',
  0x4d: 'BININT2',
  0x8a: 'LONG1',
  0x8b: 'LONG4',
  0x47: 'BINFLOAT',
  0x4e: 'NONE',
  0x88: 'NEWTRUE',
  0x89: 'NEWFALSE',
  0x58: 'BINUNICODE',
  0x8c: 'SHORT_BINUNICODE',
  0x8d: 'BINUNICODE8',
  0x54: 'BINSTRING',
  0x55: 'SHORT_BINSTRING',
  0x42: 'BINBYTES',
  0x43: 'SHORT_BINBYTES',
  0x8e: 'BINBYTES8',
  0x71: 'BINPUT',
  0x72: 'LONG_BINPUT',
  0x94: 'MEMOIZE',
  0x68: 'BINGET',
  0x6a: 'LONG_BINGET',
  0x63: 'GLOBAL',
  0x93: 'STACK_GLOBAL',
  0x52: 'REDUCE',
  0x62: 'BUILD',
  0x30: 'POP',
  0x31: 'POP_MARK',
  0x32: 'DUP',
};

/** Protocol-0 and object-construction opcodes numpy never emits for these arrays, named for the error. */
const REFUSED_NAMES: Record<number, string> = {
  0x49: 'INT',
  0x4c: 'LONG',
  0x46: 'FLOAT',
  0x53: 'STRING',
  0x56: 'UNICODE',
  0x70: 'PUT',
  0x67: 'GET',
  0x69: 'INST',
  0x6f: 'OBJ',
  0x81: 'NEWOBJ',
  0x92: 'NEWOBJ_EX',
  0x64: 'DICT',
  0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS',
  0x91: 'FROZENSET',
  0x50: 'PERSID',
  0x51: 'BINPERSID',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

/** Globals a numpy array pickle may name; anything else would mean running arbitrary Python. */
const ALLOWED_GLOBALS = new Set([
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.ndarray',
  'numpy.dtype',
  '_codecs.encode',
]);

const MARK = Symbol('mark');

/**
 * A pickle virtual machine for the data numpy pickles into a .npy with allow_pickle: an object
 * array of lists of ints. It builds inert values (PyObject records calls, never runs them),
 * refuses unknown opcodes by name and offset, and only admits numpy's own globals.
 */
export function readPickle(bytes: Uint8Array, file: string): PyValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: (PyValue | typeof MARK)[] = [];
  const memo = new Map<number, PyValue>();
  let at = 0;
  let opAt = 0;
  let op = 0;
  const bad = (what: string): never => {
    throw new DatasetError(
      `${file}: pickle opcode ${OPCODE_NAMES[op] ?? REFUSED_NAMES[op] ?? 'unknown'} (0x${op.toString(16).padStart(2, '0')}) at offset ${opAt}: ${what}`,
    );
  };
  const need = (n: number): number => {
    if (at + n > bytes.length) bad(`needs ${n} more bytes, the pickle ends at ${bytes.length} (truncated?)`);
    const start = at;
    at += n;
    return start;
  };
  const pop = (): PyValue => {
    const value = stack.pop();
    if (value === undefined && stack.length === 0) bad('the stack is empty');
    if (value === MARK) bad('found a MARK where a value was expected');
    return value as PyValue;
  };
  const popMark = (): PyValue[] => {
    const mark = stack.lastIndexOf(MARK);
    if (mark < 0) bad('no MARK on the stack');
    const items = stack.splice(mark) as PyValue[];
    items.shift();
    return items;
  };
  const top = (): PyValue => {
    if (stack.length === 0 || stack[stack.length - 1] === MARK) bad('expected a value on top of the stack');
    return stack[stack.length - 1] as PyValue;
  };
  const text = (start: number, length: number, encoding: BufferEncoding): string => Buffer.from(bytes.subarray(start, start + length)).toString(encoding);
  const global = (module: string, name: string): PyGlobal => {
    const value = new PyGlobal(module, name);
    if (!ALLOWED_GLOBALS.has(value.qualified)) bad(`refusing global ${value.qualified}: a numpy int-list array only needs ${[...ALLOWED_GLOBALS].join(', ')}`);
    return value;
  };
  const list = (value: PyValue): PyValue[] => {
    if (!Array.isArray(value)) bad(`expected a list to append to, got ${describe(value)}`);
    return value as PyValue[];
  };
  const longInteger = (start: number, length: number): number | bigint => {
    if (length === 0) return 0;
    let value = 0n;
    for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[start + i]!);
    if (bytes[start + length - 1]! & 0x80) value -= 1n << BigInt(8 * length);
    return value >= -BigInt(Number.MAX_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  };

  for (;;) {
    opAt = at;
    if (at >= bytes.length) throw new DatasetError(`${file}: pickle ends at offset ${at} without a STOP opcode (truncated?)`);
    op = bytes[at++]!;
    switch (op) {
      case 0x80:
        need(1);
        break;
      case 0x95:
        need(8);
        break;
      case 0x2e: {
        const result = pop();
        return result;
      }
      case 0x28:
        stack.push(MARK);
        break;
      case 0x5d:
        stack.push([]);
        break;
      case 0x29:
        stack.push(new PyTuple([]));
        break;
      case 0x7d:
        stack.push(new Map());
        break;
      case 0x61: {
        const item = pop();
        list(top()).push(item);
        break;
      }
      case 0x65: {
        const items = popMark();
        const target = list(top());
        for (const item of items) target.push(item);
        break;
      }
      case 0x6c:
        stack.push(popMark());
        break;
      case 0x74:
        stack.push(new PyTuple(popMark()));
        break;
      case 0x85:
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b]));
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b, c]));
        break;
      }
      case 0x73: {
        const value = pop();
        const key = pop();
        const dict = top();
        if (!(dict instanceof Map)) bad('expected a dict');
        (dict as Map<PyValue, PyValue>).set(key, value);
        break;
      }
      case 0x75: {
        const items = popMark();
        const dict = top();
        if (!(dict instanceof Map)) bad('expected a dict');
        for (let i = 0; i + 1 < items.length; i += 2) (dict as Map<PyValue, PyValue>).set(items[i], items[i + 1]);
        break;
      }
      case 0x4a:
        stack.push(view.getInt32(need(4), true));
        break;
      case 0x4b:
        stack.push(bytes[need(1)]!);
        break;
      case 0x4d:
        stack.push(view.getUint16(need(2), true));
        break;
      case 0x8a: {
        const length = bytes[need(1)]!;
        stack.push(longInteger(need(length), length));
        break;
      }
      case 0x8b: {
        const length = view.getInt32(need(4), true);
        if (length < 0) bad('negative length');
        stack.push(longInteger(need(length), length));
        break;
      }
      case 0x47:
        stack.push(view.getFloat64(need(8), false));
        break;
      case 0x4e:
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x58: {
        const length = view.getUint32(need(4), true);
        stack.push(text(need(length), length, 'utf8'));
        break;
      }
      case 0x8c: {
        const length = bytes[need(1)]!;
        stack.push(text(need(length), length, 'utf8'));
        break;
      }
      case 0x8d: {
        const length = Number(view.getBigUint64(need(8), true));
        stack.push(text(need(length), length, 'utf8'));
        break;
      }
      // Python 2 str: numpy loads these with encoding='latin1'-compatible bytes.
      case 0x54: {
        const length = view.getInt32(need(4), true);
        if (length < 0) bad('negative length');
        stack.push(text(need(length), length, 'latin1'));
        break;
      }
      case 0x55: {
        const length = bytes[need(1)]!;
        stack.push(text(need(length), length, 'latin1'));
        break;
      }
      case 0x42: {
        const length = view.getUint32(need(4), true);
        const start = need(length);
        stack.push(bytes.slice(start, start + length));
        break;
      }
      case 0x43: {
        const length = bytes[need(1)]!;
        const start = need(length);
        stack.push(bytes.slice(start, start + length));
        break;
      }
      case 0x8e: {
        const length = Number(view.getBigUint64(need(8), true));
        const start = need(length);
        stack.push(bytes.slice(start, start + length));
        break;
      }
      case 0x71:
        memo.set(bytes[need(1)]!, top());
        break;
      case 0x72:
        memo.set(view.getUint32(need(4), true), top());
        break;
      case 0x94:
        memo.set(memo.size, top());
        break;
      case 0x68:
      case 0x6a: {
        const key = op === 0x68 ? bytes[need(1)]! : view.getUint32(need(4), true);
        if (!memo.has(key)) bad(`memo entry ${key} was never stored`);
        stack.push(memo.get(key));
        break;
      }
      case 0x63: {
        const first = bytes.indexOf(0x0a, at);
        const second = first < 0 ? -1 : bytes.indexOf(0x0a, first + 1);
        if (second < 0) bad('expected "module\\nname\\n"');
        const module = text(at, first - at, 'latin1');
        const name = text(first + 1, second - first - 1, 'latin1');
        at = second + 1;
        stack.push(global(module, name));
        break;
      }
      case 0x93: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') bad('expected module and name strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        const args = pop();
        const callable = pop();
        if (!(callable instanceof PyGlobal) || !(args instanceof PyTuple))
          bad(`expected a global and an argument tuple, got ${describe(callable)} and ${describe(args)}`);
        stack.push(reduce(callable as PyGlobal, args as PyTuple));
        break;
      }
      case 0x62: {
        const state = pop();
        const target = top();
        if (!(target instanceof PyObject)) bad(`expected an object to set the state of, got ${describe(target)}`);
        (target as PyObject).state = state;
        break;
      }
      case 0x30:
        if (stack.pop() === undefined) bad('the stack is empty');
        break;
      case 0x31:
        popMark();
        break;
      case 0x32:
        stack.push(top());
        break;
      default:
        bad(REFUSED_NAMES[op] ? 'not supported (numpy does not emit it for an array of int lists)' : 'not a pickle opcode this reader knows');
    }
  }
}

/** _codecs.encode(str, 'latin1') is how protocol 2 pickles bytes from Python 3: apply it; record the rest. */
function reduce(callable: PyGlobal, args: PyTuple): PyValue {
  if (callable.qualified === '_codecs.encode' && typeof args.items[0] === 'string') return Uint8Array.from(Buffer.from(args.items[0], 'latin1'));
  return new PyObject(callable, args);
}

export function describe(value: PyValue | typeof MARK): string {
  if (value === MARK) return 'MARK';
  if (value === null) return 'None';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value instanceof PyTuple) return `a tuple of ${value.items.length}`;
  if (value instanceof PyGlobal) return value.qualified;
  if (value instanceof PyObject) return `${value.callable.qualified}(...)`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof Map) return `a dict of ${value.size}`;
  return `${typeof value} ${String(value)}`;
}

/** What numpy's pickle of an object ndarray unpacks to. */
export interface PickledArray {
  shape: number[];
  dtype: string;
  items: PyValue[];
}

/**
 * Interprets numpy.core.multiarray._reconstruct(ndarray, (0,), b'b') with BUILD state
 * (version, shape, dtype, fortran_order, data) as ndarray.__setstate__ does, for object arrays.
 */
export function pickledArray(value: PyValue, file: string): PickledArray {
  const bad = (what: string): never => {
    throw new DatasetError(`${file}: expected a pickled numpy object array, ${what}`);
  };
  if (!(value instanceof PyObject) || !value.callable.qualified.endsWith('multiarray._reconstruct')) return bad(`got ${describe(value)}`);
  if (!(value.args.items[0] instanceof PyGlobal) || value.args.items[0].qualified !== 'numpy.ndarray')
    bad(`got _reconstruct of ${describe(value.args.items[0])}`);
  if (!(value.state instanceof PyTuple)) return bad(`got array state ${describe(value.state)}`);
  // numpy >= 1.0 writes 5 items with a leading version; __setstate__ still accepts the old 4.
  const state = value.state.items.length === 5 ? value.state.items.slice(1) : value.state.items;
  if (state.length !== 4) bad(`got an array state of ${value.state.items.length} items`);
  const [shape, dtype, , data] = state;
  if (!(shape instanceof PyTuple) || !shape.items.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0))
    return bad(`got shape ${describe(shape)}`);
  if (!(dtype instanceof PyObject) || dtype.callable.qualified !== 'numpy.dtype' || typeof dtype.args.items[0] !== 'string')
    return bad(`got dtype ${describe(dtype)}`);
  if (!Array.isArray(data)) return bad(`got ${describe(data)} as data (only object arrays hold a list)`);
  const dims = shape.items as number[];
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) bad(`got ${data.length} items for shape (${dims.join(', ')})`);
  return { shape: dims, dtype: dtype.args.items[0], items: data };
}
