/**
 * Just enough of the protobuf wire format to read an ONNX ModelProto's structure (its fields,
 * nodes, initializers): a file's kind and whether it is whole are read from it before
 * onnxruntime sees it. Field numbers are the ones of onnx/onnx.proto.
 */

export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

export type WireType = 0 | 1 | 2 | 5;

export interface Field {
  number: number;
  wire: WireType;
  /** wire 0: the varint (as a number: ONNX's dims and enums fit in 2**53) */
  value: number;
  /** wire 1, 2, 5: where the bytes are */
  start: number;
  end: number;
}

/** A varint; int64 fields written negative (ten bytes, two's complement) read as the negative number. */
function varint(bytes: Uint8Array, at: number, end: number): { value: number; next: number } {
  let value = 0n;
  for (let i = at, shift = 0n; i < end && i < at + 10; i++, shift += 7n) {
    const byte = bytes[i]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: Number(BigInt.asIntN(64, value)), next: i + 1 };
  }
  throw new ProtobufError(at >= end ? `the data ends at byte ${end} inside a field (truncated?)` : `the varint at byte ${at} does not end`);
}

/** The fields of the message in bytes[start, end), in order. Throws ProtobufError where the bytes cannot be a message. */
export function* fields(bytes: Uint8Array, start = 0, end = bytes.length): Generator<Field> {
  let at = start;
  while (at < end) {
    const key = varint(bytes, at, end);
    const number = Math.floor(key.value / 8);
    const wire = key.value % 8;
    at = key.next;
    if (number === 0) throw new ProtobufError(`field number 0 at byte ${at}`);
    if (wire === 0) {
      const v = varint(bytes, at, end);
      yield { number, wire, value: v.value, start: at, end: v.next };
      at = v.next;
    } else if (wire === 2) {
      const length = varint(bytes, at, end);
      const next = length.next + length.value;
      if (next > end) throw new ProtobufError(`field ${number} at byte ${at} holds ${length.value} bytes, but only ${end - length.next} remain (truncated?)`);
      yield { number, wire, value: length.value, start: length.next, end: next };
      at = next;
    } else if (wire === 1 || wire === 5) {
      const next = at + (wire === 1 ? 8 : 4);
      if (next > end) throw new ProtobufError(`field ${number} at byte ${at} needs ${next - at} bytes, but only ${end - at} remain (truncated?)`);
      yield { number, wire, value: 0, start: at, end: next };
      at = next;
    } else {
      throw new ProtobufError(`field ${number} at byte ${at} has wire type ${wire}, which protobuf does not use`);
    }
  }
}

export function text(bytes: Uint8Array, field: Field): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + field.start, field.end - field.start).toString('utf8');
}

/** A repeated integer field, packed (wire 2) or not (wire 0). */
export function integers(bytes: Uint8Array, field: Field): number[] {
  if (field.wire === 0) return [field.value];
  const out: number[] = [];
  for (let at = field.start; at < field.end; ) {
    const v = varint(bytes, at, field.end);
    out.push(v.value);
    at = v.next;
  }
  return out;
}
