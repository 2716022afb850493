/**
 * What an ONNX file says about itself, read from its protobuf without onnxruntime: whether it is
 * an ONNX model at all (and a whole one), who wrote it, its operators, and the class labels a
 * scikit-learn classifier converted by skl2onnx carries.
 */
import { fields, integers, ProtobufError, text, type Field } from './protobuf.js';

// onnx.proto field numbers.
const MODEL = { irVersion: 1, producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8 } as const;
const GRAPH = { node: 1, initializer: 5 } as const;
const NODE = { input: 1, opType: 4, domain: 7 } as const;
const TENSOR = { dataType: 2, int32Data: 5, stringData: 6, int64Data: 7, name: 8, rawData: 9 } as const;
const OPSET = { domain: 1, version: 2 } as const;
/** TensorProto.DataType values of the integer and string tensors a class list can be. */
const INT32 = 6;
const INT64 = 7;
const STRING = 8;

export interface OnnxSummary {
  irVersion: number;
  /** "pytorch 2.13.0", "skl2onnx 1.21.0" */
  producer: string;
  opsets: { domain: string; version: number }[];
  /** Operator types the graph uses, "ai.onnx.ml:ArrayFeatureExtractor" for other domains. */
  ops: string[];
  /** skl2onnx's class list (the constant its label output is picked from), when the graph has one. */
  classLabels: string[] | null;
}

function tensorStrings(bytes: Uint8Array, tensor: Field): string[] | null {
  let type = 0;
  const ints: number[] = [];
  const strings: string[] = [];
  let raw: Field | null = null;
  for (const f of fields(bytes, tensor.start, tensor.end)) {
    if (f.number === TENSOR.dataType) type = f.value;
    else if (f.number === TENSOR.int32Data || f.number === TENSOR.int64Data) ints.push(...integers(bytes, f));
    else if (f.number === TENSOR.stringData) strings.push(text(bytes, f));
    else if (f.number === TENSOR.rawData) raw = f;
  }
  if (type === STRING) return strings;
  if (type !== INT32 && type !== INT64) return null;
  if (raw !== null) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + raw.start, raw.end - raw.start);
    const width = type === INT64 ? 8 : 4;
    for (let at = 0; at + width <= view.byteLength; at += width) ints.push(width === 8 ? Number(view.getBigInt64(at, true)) : view.getInt32(at, true));
  }
  return ints.map(String);
}

/**
 * Reads the model's structure. Throws ProtobufError when the bytes are not a whole ONNX
 * ModelProto (not protobuf, cut short, or without a graph).
 */
export function readOnnxSummary(bytes: Uint8Array): OnnxSummary {
  let irVersion = -1;
  let producerName = '';
  let producerVersion = '';
  let graph: Field | null = null;
  const opsets: OnnxSummary['opsets'] = [];
  for (const f of fields(bytes)) {
    if (f.number === MODEL.irVersion && f.wire === 0) irVersion = f.value;
    else if (f.number === MODEL.producerName && f.wire === 2) producerName = text(bytes, f);
    else if (f.number === MODEL.producerVersion && f.wire === 2) producerVersion = text(bytes, f);
    else if (f.number === MODEL.graph && f.wire === 2) graph = f;
    else if (f.number === MODEL.opsetImport && f.wire === 2) {
      let domain = '';
      let version = 0;
      for (const o of fields(bytes, f.start, f.end)) {
        if (o.number === OPSET.domain) domain = text(bytes, o);
        else if (o.number === OPSET.version) version = o.value;
      }
      opsets.push({ domain, version });
    }
  }
  if (irVersion < 1) throw new ProtobufError('no ir_version field: not an ONNX ModelProto');
  if (graph === null) throw new ProtobufError('no graph field: not an ONNX ModelProto');

  const ops = new Set<string>();
  const initializers = new Map<string, Field>();
  let classesFrom: string | null = null;
  for (const g of fields(bytes, graph.start, graph.end)) {
    if (g.number === GRAPH.node && g.wire === 2) {
      let op = '';
      let domain = '';
      const inputs: string[] = [];
      for (const n of fields(bytes, g.start, g.end)) {
        if (n.number === NODE.opType) op = text(bytes, n);
        else if (n.number === NODE.domain) domain = text(bytes, n);
        else if (n.number === NODE.input) inputs.push(text(bytes, n));
      }
      ops.add(domain === '' || domain === 'ai.onnx' ? op : `${domain}:${op}`);
      // skl2onnx picks the label as classes[argmax(probabilities)] with an ArrayFeatureExtractor.
      if (op === 'ArrayFeatureExtractor' && domain === 'ai.onnx.ml' && inputs[0] !== undefined) classesFrom = inputs[0];
    } else if (g.number === GRAPH.initializer && g.wire === 2) {
      for (const t of fields(bytes, g.start, g.end)) {
        if (t.number === TENSOR.name) initializers.set(text(bytes, t), g);
      }
    }
  }
  const classes = classesFrom === null ? undefined : initializers.get(classesFrom);
  return {
    irVersion,
    producer: [producerName || 'unknown producer', producerVersion].filter((s) => s !== '').join(' '),
    opsets,
    ops: [...ops].sort(),
    classLabels: classes === undefined ? null : tensorStrings(bytes, classes),
  };
}
