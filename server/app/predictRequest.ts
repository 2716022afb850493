/**
 * Turns a /predict request (GET query or POST JSON body) into the model's inputs (texts for a text
 * model, feature rows for any other), or into a 4xx error that says exactly what was wrong.
 * Pure: no model, no I/O.
 */
import type { ModelInputs, ServedInput } from '../../models/index.js';
import { BadRequest, describeValue } from './badRequest.js';
import { parseFeatureRows } from './featureRows.js';

export { BadRequest } from './badRequest.js';

export interface PredictInput {
  inputs: ModelInputs;
  /** how many texts or rows */
  count: number;
  /** true when the caller sent a batch (`texts`, `inputs`), so the answer is a list */
  batch: boolean;
  top: number;
}

export interface PredictLimits {
  maxBodySize: number;
  maxBatch: number;
  /** the model's classes; 0 when its outputs are raw (no `top`) */
  maxTop: number;
  /** what the model takes */
  input: ServedInput;
}

const QUERY_KEYS = new Set(['text', 'top']);
const BODY_KEYS = new Set(['text', 'texts', 'inputs', 'top']);

function parseTop(value: unknown, limits: PredictLimits, where: string): number {
  if (value === undefined) return 0;
  if (limits.maxTop === 0) {
    throw new BadRequest(
      400,
      `${where} \`top\` asks for the best classes, but this model names no classes (its outputs are raw values, or it declares no labels); drop \`top\``,
    );
  }
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > limits.maxTop) {
    throw new BadRequest(400, `Expected ${where} \`top\` to be an integer from 1 to ${limits.maxTop}, got ${describeValue(value)}`);
  }
  return n;
}

function checkText(text: unknown, where: string): string {
  if (typeof text !== 'string') throw new BadRequest(400, `Expected ${where} to be a string, got ${describeValue(text)}`);
  if (text.trim() === '') throw new BadRequest(400, `Expected ${where} to be a non-empty text, got an empty one`);
  return text;
}

/** A text request to a model that takes numbers, or the reverse: say what it takes. */
function wrongKind(input: ServedInput): BadRequest {
  if (input.kind === 'features') {
    const row = input.shape.length === 1 ? `${input.shape[0]} numbers` : `numbers nested as [${input.shape.join(', ')}]`;
    const how = `POST /predict with {"inputs": [[...], ...]}, each row ${row}`;
    return new BadRequest(400, `This model takes feature rows, not text: ${how} (serve it with \`word-index\` to give it texts)`);
  }
  const how = 'send {"text": "..."} or {"texts": [...]}, or GET /predict?text=...';
  return new BadRequest(400, `This model reads texts${input.wordIndex ? ` (its word index is ${input.wordIndex})` : ''}: ${how}`);
}

export function fromQuery(query: string, limits: PredictLimits): PredictInput {
  if (Buffer.byteLength(query) > limits.maxBodySize) {
    throw new BadRequest(
      413,
      `The query string is ${Buffer.byteLength(query)} bytes; the limit is ${limits.maxBodySize} (max-body-size). Send long texts with POST.`,
    );
  }
  const params = new URLSearchParams(query);
  const seen = new Map<string, string[]>();
  for (const [k, v] of params) {
    if (!QUERY_KEYS.has(k)) throw new BadRequest(400, `Unknown query parameter \`${k.slice(0, 40)}\`; expected \`text\` and optionally \`top\``);
    const list = seen.get(k) ?? [];
    list.push(v);
    seen.set(k, list);
  }
  for (const [k, list] of seen) {
    if (list.length > 1) throw new BadRequest(400, `Query parameter \`${k}\` was given ${list.length} times; expected it once`);
  }
  if (limits.input.kind !== 'text') throw wrongKind(limits.input);
  const text = seen.get('text')?.[0];
  if (text === undefined) throw new BadRequest(400, 'Missing query parameter `text`: call /predict?text=...');
  return { inputs: [checkText(text, 'query parameter `text`')], count: 1, batch: false, top: parseTop(seen.get('top')?.[0], limits, 'query parameter') };
}

export function fromJsonBody(body: Buffer, contentType: string | undefined, limits: PredictLimits): PredictInput {
  if (body.length > limits.maxBodySize) {
    throw new BadRequest(413, `The body is ${body.length} bytes; the limit is ${limits.maxBodySize} (max-body-size)`);
  }
  if (contentType !== undefined && !/^application\/json\b/i.test(contentType) && !/^text\/plain\b/i.test(contentType)) {
    throw new BadRequest(415, `Expected Content-Type application/json, got ${JSON.stringify(contentType.slice(0, 60))}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new BadRequest(400, `Malformed JSON body: ${(e as Error).message.slice(0, 120)}`);
  }
  const text = limits.input.kind === 'text';
  const shapeHint = text ? '{"text": "..."} or {"texts": [...]}' : '{"inputs": [[...], ...]}';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest(400, `Expected the JSON body to be an object like ${shapeHint}, got ${describeValue(value)}`);
  }
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!BODY_KEYS.has(k)) {
      const expected = text ? '`text` or `texts`' : '`inputs`';
      throw new BadRequest(400, `Unknown field \`${k.slice(0, 40)}\` in the JSON body; expected ${expected}, and optionally \`top\``);
    }
  }
  const top = parseTop(obj.top, limits, 'field');
  if (limits.input.kind === 'features') {
    if (!Object.hasOwn(obj, 'inputs')) throw wrongKind(limits.input);
    const rows = parseFeatureRows(obj.inputs, limits.input, limits.maxBatch);
    return { inputs: rows, count: rows.count, batch: true, top };
  }
  if (Object.hasOwn(obj, 'inputs')) throw wrongKind(limits.input);
  const hasText = Object.hasOwn(obj, 'text');
  const hasTexts = Object.hasOwn(obj, 'texts');
  if (hasText === hasTexts) {
    throw new BadRequest(
      400,
      hasText ? 'Give either `text` or `texts` in the JSON body, not both' : 'Missing field `text` (one text) or `texts` (a list) in the JSON body',
    );
  }
  if (hasText) return { inputs: [checkText(obj.text, 'field `text`')], count: 1, batch: false, top };
  const texts = obj.texts;
  if (!Array.isArray(texts)) throw new BadRequest(400, `Expected field \`texts\` to be an array of strings, got ${describeValue(texts)}`);
  if (texts.length === 0 || texts.length > limits.maxBatch) {
    throw new BadRequest(
      texts.length > limits.maxBatch ? 413 : 400,
      `Expected field \`texts\` to hold 1 to ${limits.maxBatch} texts (max-batch), got ${texts.length}`,
    );
  }
  return { inputs: texts.map((t, i) => checkText(t, `texts[${i}]`)), count: texts.length, batch: true, top };
}
