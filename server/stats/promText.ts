/**
 * Prometheus text exposition format 0.0.4, rendered synchronously. The master answers /metrics
 * from a synchronous route, and prom-client only renders asynchronously; it also cannot take a
 * histogram that arrives already bucketed (the workers count buckets, the master sums them).
 */

export type Labels = Record<string, string>;

export interface Sample {
  labels?: Labels;
  value: number;
}

export type MetricFamily =
  | { name: string; help: string; type: 'gauge' | 'counter'; samples: Sample[] }
  | {
      name: string;
      help: string;
      type: 'histogram';
      /** Upper bounds in seconds, ascending, without +Inf. */
      bounds: readonly number[];
      /** Per-bucket (not cumulative) counts: counts[i] for bounds[i], the last one above every bound. */
      counts: readonly number[];
      sum: number;
    };

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function renderFamilies(families: readonly MetricFamily[]): string {
  let out = '';
  for (const f of families) {
    out += `# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${f.name} ${f.type}\n`;
    if (f.type !== 'histogram') {
      for (const s of f.samples) out += `${f.name}${labelText(s.labels)} ${valueText(s.value)}\n`;
      continue;
    }
    if (f.counts.length !== f.bounds.length + 1) {
      throw new Error(`histogram ${f.name}: expected ${f.bounds.length + 1} bucket counts for ${f.bounds.length} bounds, got ${f.counts.length}`);
    }
    let cumulative = 0;
    f.bounds.forEach((le, i) => {
      cumulative += f.counts[i]!;
      out += `${f.name}_bucket{le="${valueText(le)}"} ${cumulative}\n`;
    });
    cumulative += f.counts[f.bounds.length]!;
    out += `${f.name}_bucket{le="+Inf"} ${cumulative}\n${f.name}_sum ${valueText(f.sum)}\n${f.name}_count ${cumulative}\n`;
  }
  return out;
}

function labelText(labels: Labels | undefined): string {
  if (!labels) return '';
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function valueText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
