/**
 * Turns a /predict request (GET query or POST JSON body) into the texts to predict, or into a
 * 4xx error that says exactly what was wrong. Pure: no model, no I/O.
 */

export interface PredictInput {
  texts: string[];
  /** true when the caller sent a batch (`texts`), so the answer is a list */
  batch: boolean;
  top: number;
}

export class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface PredictLimits {
  maxBodySize: number;
  maxBatch: number;
  maxTop: number;
}

const QUERY_KEYS = new Set(['text', 'top']);
const BODY_KEYS = new Set(['text', 'texts', 'top']);

function parseTop(value: unknown, limits: PredictLimits, where: string): number {
  if (value === undefined) return 0;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > limits.maxTop) {
    throw new BadRequest(400, `Expected ${where} \`top\` to be an integer from 1 to ${limits.maxTop}, got ${describe(value)}`);
  }
  return n;
}

/** A short, safe description of a value for an error message (never walks deep structures). */
function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `${JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value)} (string)`;
  return `${String(value)} (${typeof value})`;
}

function checkText(text: unknown, where: string): string {
  if (typeof text !== 'string') throw new BadRequest(400, `Expected ${where} to be a string, got ${describe(text)}`);
  if (text.trim() === '') throw new BadRequest(400, `Expected ${where} to be a non-empty text, got an empty one`);
  return text;
}

export function fromQuery(query: string, limits: PredictLimits): PredictInput {
  if (Buffer.byteLength(query) > limits.maxBodySize) {
    throw new BadRequest(413, `The query string is ${Buffer.byteLength(query)} bytes; the limit is ${limits.maxBodySize} (max-body-size). Send long texts with POST.`);
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
  const text = seen.get('text')?.[0];
  if (text === undefined) throw new BadRequest(400, 'Missing query parameter `text`: call /predict?text=...');
  return { texts: [checkText(text, 'query parameter `text`')], batch: false, top: parseTop(seen.get('top')?.[0], limits, 'query parameter') };
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
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest(400, `Expected the JSON body to be an object like {"text": "..."} or {"texts": [...]}, got ${describe(value)}`);
  }
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!BODY_KEYS.has(k)) throw new BadRequest(400, `Unknown field \`${k.slice(0, 40)}\` in the JSON body; expected \`text\` or \`texts\`, and optionally \`top\``);
  }
  const top = parseTop(obj.top, limits, 'field');
  const hasText = Object.hasOwn(obj, 'text');
  const hasTexts = Object.hasOwn(obj, 'texts');
  if (hasText === hasTexts) {
    throw new BadRequest(400, hasText ? 'Give either `text` or `texts` in the JSON body, not both' : 'Missing field `text` (one text) or `texts` (a list) in the JSON body');
  }
  if (hasText) return { texts: [checkText(obj.text, 'field `text`')], batch: false, top };
  const texts = obj.texts;
  if (!Array.isArray(texts)) throw new BadRequest(400, `Expected field \`texts\` to be an array of strings, got ${describe(texts)}`);
  if (texts.length === 0 || texts.length > limits.maxBatch) {
    throw new BadRequest(texts.length > limits.maxBatch ? 413 : 400, `Expected field \`texts\` to hold 1 to ${limits.maxBatch} texts (max-batch), got ${texts.length}`);
  }
  return { texts: texts.map((t, i) => checkText(t, `texts[${i}]`)), batch: true, top };
}
