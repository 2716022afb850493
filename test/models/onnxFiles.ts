/**
 * ONNX files a test needs that no framework fixture is: written with a protobuf encoder of a few
 * lines (the field numbers are onnx/onnx.proto's), checked by loading them in onnxruntime.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fields, type Field } from '../../models/formats/onnx/protobuf.js';

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

const int = (field: number, value: number): Buffer => Buffer.concat([varint(field * 8), varint(value)]);
const bytes = (field: number, data: Uint8Array | string): Buffer => {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  return Buffer.concat([varint(field * 8 + 2), varint(body.length), body]);
};

/** ValueInfoProto of a float tensor; string dimensions are symbolic (dim_param). */
function floatTensor(name: string, shape: readonly (number | string)[]): Buffer {
  const dims = shape.map((d) => bytes(1, typeof d === 'number' ? int(1, d) : bytes(2, d)));
  const tensorType = Buffer.concat([int(1, 1), bytes(2, Buffer.concat(dims))]);
  return Buffer.concat([bytes(1, name), bytes(2, bytes(1, tensorType))]);
}

/** A one-node model: X [batch, width] float -> op -> Y [batch, width]; `batch` a number fixes the batch dimension. */
export function oneNodeOnnx(op: string, width = 4, batch: number | string = 'batch'): Buffer {
  const node = Buffer.concat([bytes(1, 'X'), bytes(2, 'Y'), bytes(3, 'only'), bytes(4, op)]);
  const graph = Buffer.concat([bytes(1, node), bytes(2, 'g'), bytes(11, floatTensor('X', [batch, width])), bytes(12, floatTensor('Y', [batch, width]))]);
  return Buffer.concat([int(1, 8), bytes(2, 'tidepool-test'), bytes(8, Buffer.concat([bytes(1, ''), int(2, 17)])), bytes(7, graph)]);
}

/**
 * The same model with its initializers' raw_data moved to `<name>.data` next to it, as
 * onnx.save_model(..., save_as_external_data=True) writes: data_location EXTERNAL and
 * external_data entries location/offset/length. Returns the new model's path.
 */
export function withExternalData(source: string, dir: string, name = 'external.onnx'): string {
  const model = fs.readFileSync(source);
  const dataName = `${name}.data`;
  const chunks: Buffer[] = [];
  let offset = 0;
  const copy = (start: number, end: number) => model.subarray(start, end);
  const tensor = (start: number, end: number): Buffer => {
    const parts: Buffer[] = [];
    let raw: Buffer | null = null;
    for (const f of fields(model, start, end)) {
      if (f.number === 9) raw = Buffer.from(copy(f.start, f.end));
      else parts.push(fieldBytes(model, f));
    }
    if (raw === null) return Buffer.concat(parts);
    const entry = (key: string, value: string) => bytes(13, Buffer.concat([bytes(1, key), bytes(2, value)]));
    parts.push(entry('location', dataName), entry('offset', String(offset)), entry('length', String(raw.length)), int(14, 1));
    chunks.push(raw);
    offset += raw.length;
    return Buffer.concat(parts);
  };
  const graph = (start: number, end: number): Buffer =>
    Buffer.concat([...fields(model, start, end)].map((f) => (f.number === 5 ? bytes(5, tensor(f.start, f.end)) : fieldBytes(model, f))));
  const top = Buffer.concat([...fields(model)].map((f) => (f.number === 7 ? bytes(7, graph(f.start, f.end)) : fieldBytes(model, f))));
  const out = path.join(dir, name);
  fs.writeFileSync(out, top);
  fs.writeFileSync(path.join(dir, dataName), Buffer.concat(chunks));
  return out;
}

/** A field re-encoded as it was read. */
function fieldBytes(model: Buffer, f: Field): Buffer {
  if (f.wire === 0) return int(f.number, f.value);
  if (f.wire === 2) return bytes(f.number, model.subarray(f.start, f.end));
  return Buffer.concat([varint(f.number * 8 + f.wire), model.subarray(f.start, f.end)]);
}
