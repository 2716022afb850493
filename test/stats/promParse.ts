/**
 * A strict reader of the Prometheus text format 0.0.4 for the tests: every line must be a
 * HELP, a TYPE, another comment, blank, or a well-formed sample of a family declared before it;
 * families are contiguous, series unique, histograms complete (cumulative buckets ending in
 * +Inf equal to _count, and a _sum). Throws naming the line.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: string;
  help: string;
  samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheus(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current: PromFamily | null = null;
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('the exposition must end with a newline');
  lines.pop();
  lines.forEach((line, i) => {
    const where = `line ${i + 1} ${JSON.stringify(line)}`;
    const fail = (why: string): never => {
      throw new Error(`${where}: ${why}`);
    };
    if (line.trim() === '') return;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!NAME.test(name)) fail('invalid metric name');
      if (closed.has(name)) fail(`family ${name} appears twice (families must be contiguous)`);
      if (current && current.name !== name) closed.add(current.name);
      let f = families.get(name);
      if (!f) {
        f = { name, type: 'untyped', help: '', samples: [] };
        families.set(name, f);
      }
      if (f.samples.length > 0) fail(`${kind} after samples of ${name}`);
      if (kind === 'HELP') {
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) fail('HELP may escape only \\\\ and \\n');
        f.help = rest;
      } else {
        if (!TYPES.has(rest)) fail(`unknown type ${rest}`);
        f.type = rest;
      }
      current = f;
      return;
    }
    if (line.startsWith('#')) return;
    const sample = parseSampleLine(line, fail);
    const family = familyOf(sample.name, families);
    if (!family) fail(`sample of ${sample.name} without a TYPE before it`);
    if (family !== current) fail(`sample of ${family!.name} outside its family's block`);
    const key = sample.name + JSON.stringify(Object.entries(sample.labels).sort());
    if (series.has(key)) fail('duplicate series');
    series.add(key);
    family!.samples.push(sample);
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function familyOf(sampleName: string, families: Map<string, PromFamily>): PromFamily | undefined {
  const m = /^(.*)_(bucket|sum|count)$/.exec(sampleName);
  const base = m ? families.get(m[1]!) : undefined;
  if (base && (base.type === 'histogram' || (base.type === 'summary' && m![2] !== 'bucket'))) return base;
  const direct = families.get(sampleName);
  return direct && direct.type !== 'histogram' ? direct : undefined;
}

function parseSampleLine(line: string, fail: (why: string) => never): PromSample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/.exec(line);
  if (!m) fail('not a sample: name{labels} value [timestamp]');
  const labels: Record<string, string> = {};
  const body = m![2]?.slice(1, -1) ?? '';
  const re = /\s*([^=\s]+)="((?:[^"\\]|\\[\\"n])*)"\s*(,|$)/y;
  let at = 0;
  while (at < body.length) {
    re.lastIndex = at;
    const lm = re.exec(body);
    if (!lm) fail(`bad label list at ${JSON.stringify(body.slice(at))}`);
    const [, k, v] = lm as unknown as [string, string, string];
    if (!LABEL_NAME.test(k)) fail(`invalid label name ${k}`);
    if (k in labels) fail(`label ${k} repeated`);
    labels[k] = v.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    at = re.lastIndex;
  }
  const raw = m![3]!;
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : raw === 'NaN' ? NaN : Number(raw);
  if (raw !== 'NaN' && Number.isNaN(value)) fail(`value ${raw} is not a number`);
  return { name: m![1]!, labels, value };
}

function checkHistogram(f: PromFamily): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let g = groups.get(key);
    if (!g) {
      g = { buckets: [] };
      groups.set(key, g);
    }
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${f.name}: a bucket without le`);
      g.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
    } else if (s.name === `${f.name}_sum`) g.sum = s.value;
    else if (s.name === `${f.name}_count`) g.count = s.value;
  }
  for (const [key, g] of groups) {
    const name = `${f.name}${key === '[]' ? '' : key}`;
    if (g.sum === undefined || g.count === undefined) throw new Error(`${name}: _sum or _count missing`);
    if (g.buckets.length === 0 || g.buckets.at(-1)![0] !== Infinity) throw new Error(`${name}: the last bucket must be le="+Inf"`);
    for (let i = 1; i < g.buckets.length; i++) {
      const [le0, c0] = g.buckets[i - 1]!;
      const [le1, c1] = g.buckets[i]!;
      if (!(le1 > le0)) throw new Error(`${name}: bucket bounds not ascending (${le0}, ${le1})`);
      if (c1 < c0) throw new Error(`${name}: bucket counts decrease (le ${le0}: ${c0}, le ${le1}: ${c1})`);
    }
    if (g.buckets.at(-1)![1] !== g.count) throw new Error(`${name}: +Inf bucket ${g.buckets.at(-1)![1]} != _count ${g.count}`);
  }
}

/** The value of one series; throws when it is absent. */
export function sampleValue(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  throw new Error(`no series ${name}${JSON.stringify(labels)}`);
}
