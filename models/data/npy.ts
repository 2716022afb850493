import { DatasetError } from './zip.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

export interface NpyArray extends NpyHeader {
  /** The bytes after the header: raw elements, or a pickle when descr is '|O'. */
  body: Uint8Array;
}

/**
 * Parses the header dict numpy writes, e.g. {'descr': '<i8', 'fortran_order': False, 'shape': (11228,), }
 * It is a Python literal, not JSON, so it gets its own tiny parser: strings, True/False,
 * tuples of ints. Structured dtypes (a list as descr) are refused.
 */
function parseHeaderDict(text: string, file: string): NpyHeader {
  let at = 0;
  const bad = (what: string): never => {
    throw new DatasetError(`${file}: .npy header ${JSON.stringify(text.trim())} is not understood: ${what} at character ${at}`);
  };
  const space = (): void => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  const expect = (ch: string): void => {
    space();
    if (text[at] !== ch) bad(`expected ${JSON.stringify(ch)}`);
    at++;
  };
  const value = (): string | boolean | number[] => {
    space();
    const ch = text[at];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, at + 1);
      if (end < 0) bad('unterminated string');
      const s = text.slice(at + 1, end);
      at = end + 1;
      return s;
    }
    for (const [word, value] of [
      ['True', true],
      ['False', false],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return value;
      }
    }
    if (ch === '(') {
      at++;
      const items: number[] = [];
      for (;;) {
        space();
        if (text[at] === ')') return (at++, items);
        const match = /^\d+L?/.exec(text.slice(at));
        if (!match) bad('expected a dimension (non-negative integer)');
        items.push(Number(match![0].replace('L', '')));
        at += match![0].length;
        space();
        if (text[at] === ',') at++;
      }
    }
    return bad('expected a string, True, False or a tuple (structured dtypes are not supported)');
  };
  const entries = new Map<string, string | boolean | number[]>();
  expect('{');
  for (;;) {
    space();
    if (text[at] === '}') break;
    const key = value();
    if (typeof key !== 'string') bad('expected a string key');
    expect(':');
    entries.set(key as string, value());
    space();
    if (text[at] === ',') at++;
  }
  const descr = entries.get('descr');
  const fortranOrder = entries.get('fortran_order');
  const shape = entries.get('shape');
  if (typeof descr !== 'string') bad("expected 'descr' to be a dtype string");
  if (typeof fortranOrder !== 'boolean') bad("expected 'fortran_order' to be True or False");
  if (!Array.isArray(shape)) bad("expected 'shape' to be a tuple");
  return { descr: descr as string, fortranOrder: fortranOrder as boolean, shape: shape as number[] };
}

/** Reads the .npy format (versions 1.0, 2.0, 3.0) that np.save writes. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || !MAGIC.every((byte, i) => bytes[i] === byte)) {
    throw new DatasetError(
      `${file}: not a .npy array (expected the magic bytes \\x93NUMPY, got ${JSON.stringify(Buffer.from(bytes.subarray(0, 6)).toString('latin1'))})`,
    );
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) (headerLength = view.getUint16(8, true)), (headerStart = 10);
  else if (major === 2 || major === 3) (headerLength = view.getUint32(8, true)), (headerStart = 12);
  else throw new DatasetError(`${file}: .npy format version ${major}.${bytes[7]} is not supported (expected 1.0, 2.0 or 3.0)`);
  if (headerStart + headerLength > bytes.length)
    throw new DatasetError(`${file}: .npy header claims ${headerLength} bytes, the file has ${bytes.length - headerStart} after the preamble (truncated?)`);
  const text = Buffer.from(bytes.subarray(headerStart, headerStart + headerLength)).toString(major === 3 ? 'utf8' : 'latin1');
  return { ...parseHeaderDict(text, file), body: bytes.subarray(headerStart + headerLength) };
}

const INTEGER_TYPES: Record<string, { size: number; read: (view: DataView, at: number, little: boolean) => number | bigint }> = {
  i1: { size: 1, read: (v, at) => v.getInt8(at) },
  u1: { size: 1, read: (v, at) => v.getUint8(at) },
  b1: { size: 1, read: (v, at) => v.getUint8(at) },
  i2: { size: 2, read: (v, at, le) => v.getInt16(at, le) },
  u2: { size: 2, read: (v, at, le) => v.getUint16(at, le) },
  i4: { size: 4, read: (v, at, le) => v.getInt32(at, le) },
  u4: { size: 4, read: (v, at, le) => v.getUint32(at, le) },
  i8: { size: 8, read: (v, at, le) => v.getBigInt64(at, le) },
  u8: { size: 8, read: (v, at, le) => v.getBigUint64(at, le) },
};

/** The elements of a 1-D integer array (any width, either byte order) as JS numbers. */
export function npyIntegers(array: NpyArray, file: string): number[] {
  if (array.shape.length !== 1) throw new DatasetError(`${file}: expected a 1-D integer array, got shape (${array.shape.join(', ')})`);
  const order = array.descr[0];
  const type = INTEGER_TYPES[array.descr.slice(1)];
  if (!type || !'<>|='.includes(order ?? '')) throw new DatasetError(`${file}: expected an integer dtype such as '<i8', got ${JSON.stringify(array.descr)}`);
  const length = array.shape[0]!;
  if (array.body.length < length * type.size)
    throw new DatasetError(`${file}: shape (${length},) of ${array.descr} needs ${length * type.size} bytes, got ${array.body.length} (truncated?)`);
  const view = new DataView(array.body.buffer, array.body.byteOffset, array.body.byteLength);
  const little = order !== '>';
  const values: number[] = new Array(length);
  for (let i = 0; i < length; i++) {
    const value = type.read(view, i * type.size, little);
    if (typeof value === 'bigint' && (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)))
      throw new DatasetError(`${file}: element ${i} (${value}) does not fit a JS number`);
    values[i] = Number(value);
  }
  return values;
}
