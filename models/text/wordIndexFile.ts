/**
 * The word index a user brings with their model: a plain JSON object word -> rank (what
 * keras.datasets' get_word_index downloads, e.g. reuters_word_index.json, or json.dump of a
 * Tokenizer's word_index), or a whole Tokenizer as `tokenizer.to_json()` writes it, which also
 * carries its num_words, oov_token, splitting rules and the document counts tfidf needs.
 */
import fs from 'node:fs';
import { ModelError } from '../model/modelError.js';
import type { DocumentCounts } from './matrix.js';
import { KERAS_SPLITTING, type WordSplitting } from './vocabulary.js';

export interface TokenizerState {
  /** Tokenizer(num_words=...): null when the tokenizer kept every word */
  numWords: number | null;
  oovToken: string | null;
  splitting: WordSplitting;
  documents: DocumentCounts;
}

export interface WordIndexFile {
  file: string;
  index: Map<string, number>;
  /** Present when the file is a Tokenizer's to_json() */
  tokenizer: TokenizerState | null;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value;
}

/** word -> rank: positive integers, each rank once. */
function ranks(file: string, where: string, json: unknown): Map<string, number> {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ModelError(`${file}: expected ${where} to be an object of word -> rank, got ${describe(json)}`);
  const index = new Map<string, number>();
  const seen = new Map<number, string>();
  for (const [word, rank] of Object.entries(json)) {
    if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1)
      throw new ModelError(`${file}: expected the rank of ${JSON.stringify(word)} to be an integer >= 1, got ${JSON.stringify(rank)}`);
    const other = seen.get(rank);
    if (other !== undefined)
      throw new ModelError(`${file}: expected distinct ranks, got rank ${rank} for both ${JSON.stringify(other)} and ${JSON.stringify(word)}`);
    seen.set(rank, word);
    index.set(word, rank);
  }
  if (index.size === 0) throw new ModelError(`${file}: the word index is empty`);
  return index;
}

/** Tokenizer.get_config() stores its dictionaries as JSON strings inside the JSON. */
function embedded(file: string, key: string, value: unknown): unknown {
  if (typeof value !== 'string') throw new ModelError(`${file}: expected the Tokenizer's config.${key} to be a JSON string, got ${describe(value)}`);
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new ModelError(`${file}: the Tokenizer's config.${key} is not valid JSON (${(error as Error).message})`);
  }
}

function tokenizerState(file: string, config: Record<string, unknown>): TokenizerState {
  if (config.char_level === true) throw new ModelError(`${file}: a character-level Tokenizer (char_level=True); tidepool's text pipeline splits words`);
  const numWords = config.num_words;
  if (numWords !== null && numWords !== undefined && (typeof numWords !== 'number' || !Number.isInteger(numWords) || numWords < 1)) {
    throw new ModelError(`${file}: expected the Tokenizer's num_words to be a positive integer or null, got ${JSON.stringify(numWords)}`);
  }
  const documents = typeof config.document_count === 'number' ? config.document_count : 0;
  const indexDocs = new Map<number, number>();
  if (config.index_docs !== undefined) {
    const docs = embedded(file, 'index_docs', config.index_docs);
    if (typeof docs === 'object' && docs !== null) for (const [index, count] of Object.entries(docs)) indexDocs.set(Number(index), Number(count));
  }
  return {
    numWords: typeof numWords === 'number' ? numWords : null,
    oovToken: typeof config.oov_token === 'string' ? config.oov_token : null,
    splitting: {
      filters: typeof config.filters === 'string' ? config.filters : KERAS_SPLITTING.filters,
      lower: typeof config.lower === 'boolean' ? config.lower : KERAS_SPLITTING.lower,
      split: typeof config.split === 'string' ? config.split : KERAS_SPLITTING.split,
    },
    documents: { documents, indexDocs },
  };
}

export function readWordIndexFile(file: string): WordIndexFile {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ModelError(`${file}: missing; expected the word index (word-index) of the text model`);
    throw new ModelError(
      `${file}: expected the word index as JSON, got ${code ? `an unreadable file (${code})` : `unparsable text (${(error as Error).message})`}`,
    );
  }
  const top = json as { class_name?: unknown; config?: unknown } | null;
  if (top !== null && typeof top === 'object' && top.class_name === 'Tokenizer' && typeof top.config === 'object' && top.config !== null) {
    const config = top.config as Record<string, unknown>;
    return { file, index: ranks(file, "the Tokenizer's word_index", embedded(file, 'word_index', config.word_index)), tokenizer: tokenizerState(file, config) };
  }
  return { file, index: ranks(file, 'the word index', json), tokenizer: null };
}
