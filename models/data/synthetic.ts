import { RandomState } from './randomState.js';
import { FILLER_WORDS, REUTERS_TOPICS, REUTERS_TRAIN_COUNTS, TOPIC_FAMILIES, TOPIC_KEYWORDS } from './topics.js';

export interface SyntheticOptions {
  /** Number of documents (Reuters-46 has 11,228). */
  samples: number;
  /** Seeds topics, lengths and words; the same seed always gives the same corpus. */
  seed: number;
}

/**
 * A corpus in the shape of Keras' reuters.npz: each document is the list of its words' ranks
 * (1 = most frequent word of the corpus), labels index `labelNames`, and `wordIndex` maps word ->
 * rank like reuters_word_index.json.
 */
export interface Corpus {
  sequences: number[][];
  labels: number[];
  wordIndex: Map<string, number>;
  labelNames: readonly string[];
}

/** The language is the same for every seed, as newswire is: only the documents drawn from it vary. */
const VOCABULARY_SEED = 1987;
const TAIL_WORDS = 8000;
const WORDS_PER_TOPIC_TAIL = 30;
/** Share of a document's topical words drawn from a sibling topic (a wheat story mentions grain). */
const SIBLING_SHARE = 0.3;

/** Sampling by inverse CDF over Zipf weights 1/(rank + offset)^exponent. */
class Zipf {
  private readonly cdf: Float64Array;

  constructor(
    readonly ids: readonly number[],
    exponent: number,
    offset: number,
  ) {
    this.cdf = new Float64Array(ids.length);
    let sum = 0;
    for (let k = 0; k < ids.length; k++) this.cdf[k] = sum += 1 / Math.pow(k + offset, exponent);
    for (let k = 0; k < ids.length; k++) this.cdf[k]! /= sum;
  }

  draw(random: RandomState): number {
    const u = random.randomSample();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return this.ids[lo]!;
  }
}

const CONSONANTS = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z', 'br', 'st', 'tr', 'ch', 'pl'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ea'];
const CODAS = ['', '', '', 'n', 'r', 's', 't', 'l', 'nd', 'ck'];

/** Word-like tokens of [a-z] only, so they survive Keras' text_to_word_sequence unchanged. */
function pseudoWord(random: RandomState): string {
  const syllables = 2 + random.interval(1);
  let word = '';
  for (let s = 0; s < syllables; s++) word += CONSONANTS[random.interval(CONSONANTS.length - 1)]! + VOWELS[random.interval(VOWELS.length - 1)]!;
  return word + CODAS[random.interval(CODAS.length - 1)]!;
}

interface Language {
  words: string[];
  general: Zipf;
  topics: Zipf[];
}

let language: Language | undefined;

function buildLanguage(): Language {
  const random = new RandomState(VOCABULARY_SEED);
  const words: string[] = [];
  const ids = new Map<string, number>();
  const idOf = (word: string): number => {
    let id = ids.get(word);
    if (id === undefined) {
      id = words.length;
      words.push(word);
      ids.set(word, id);
    }
    return id;
  };
  const fresh = (): number => {
    for (;;) {
      const word = pseudoWord(random);
      if (!ids.has(word)) return idOf(word);
    }
  };
  const generalIds = FILLER_WORDS.map(idOf);
  const topics = REUTERS_TOPICS.map((topic) => {
    const own = (TOPIC_KEYWORDS[topic] ?? []).map(idOf);
    for (let k = 0; k < WORDS_PER_TOPIC_TAIL; k++) own.push(fresh());
    return new Zipf([...new Set(own)], 1.1, 1);
  });
  for (let k = 0; k < TAIL_WORDS; k++) generalIds.push(fresh());
  return { words, general: new Zipf(generalIds, 1.0, 2), topics };
}

function siblingsOf(topic: number): number[] {
  const name = REUTERS_TOPICS[topic]!;
  const family = TOPIC_FAMILIES.find((members) => members.includes(name)) ?? [name];
  const siblings = family.filter((member) => member !== name).map((member) => REUTERS_TOPICS.indexOf(member));
  return siblings.length > 0 ? siblings : [topic];
}

function drawTopic(random: RandomState, cdf: Float64Array): number {
  const u = random.randomSample();
  let k = 0;
  while (k < cdf.length - 1 && cdf[k]! <= u) k++;
  return k;
}

/**
 * A deterministic Reuters-like corpus: 46 topics drawn with Reuters' own skew, log-normal
 * document lengths, a Zipf vocabulary of shared filler and a long tail, and per-topic words
 * (some borrowed from sibling topics). Word ranks are assigned by frequency in the generated
 * corpus, as Keras' word index is, so num_words cuts it the same way.
 */
export function generateCorpus(options: SyntheticOptions): Corpus {
  if (!Number.isInteger(options.samples) || options.samples < 1) throw new RangeError(`Expected samples to be a positive integer, got ${options.samples}`);
  language ??= buildLanguage();
  const { words, general, topics } = language;
  const random = new RandomState(options.seed);
  const total = REUTERS_TRAIN_COUNTS.reduce((a, b) => a + b, 0);
  const topicCdf = new Float64Array(REUTERS_TRAIN_COUNTS.length);
  let sum = 0;
  REUTERS_TRAIN_COUNTS.forEach((count, k) => {
    sum += count;
    topicCdf[k] = sum / total;
  });

  const documents: number[][] = [];
  const labels: number[] = [];
  for (let d = 0; d < options.samples; d++) {
    const topic = drawTopic(random, topicCdf);
    const siblings = siblingsOf(topic);
    const sibling = siblings[random.interval(siblings.length - 1)]!;
    // Box-Muller on two uniforms: log-normal lengths, median ~80 words, long right tail like newswire.
    const normal = Math.sqrt(-2 * Math.log(1 - random.randomSample())) * Math.cos(2 * Math.PI * random.randomSample());
    const length = Math.min(600, Math.max(8, Math.round(Math.exp(4.4 + 0.6 * normal))));
    // How much of the story is about its topic: some stories barely are, and those get misfiled.
    const topicality = 0.04 + 0.26 * random.randomSample();
    const document: number[] = [];
    for (let w = 0; w < length; w++) {
      const u = random.randomSample();
      if (u < topicality) document.push(topics[u < topicality * SIBLING_SHARE ? sibling : topic]!.draw(random));
      else document.push(general.draw(random));
    }
    documents.push(document);
    labels.push(topic);
  }

  // Rank words by corpus frequency (ties: first seen), 1-based, as keras' word index does.
  const counts = new Map<number, number>();
  for (const document of documents) for (const id of document) counts.set(id, (counts.get(id) ?? 0) + 1);
  const order = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || a - b);
  const rankOf = new Map<number, number>(order.map((id, k) => [id, k + 1]));
  return {
    sequences: documents.map((document) => document.map((id) => rankOf.get(id)!)),
    labels,
    wordIndex: new Map(order.map((id, k) => [words[id]!, k + 1])),
    labelNames: REUTERS_TOPICS,
  };
}
