/**
 * Line charts as standalone SVG, written by hand (no chart dependency): a title, one or two
 * y axes with round ticks, shaded phases, step or straight series, event markers and a legend.
 */

/** y null breaks the line (a second without responses has no latency). */
export type Point = readonly [number, number | null];

export interface ChartSeries {
  /** Legend text; also the `data-series` attribute of the series' group. */
  name: string;
  color: string;
  points: readonly Point[];
  axis?: 'left' | 'right';
  /** The value holds until the next point (counts sampled over time). */
  step?: boolean;
  dashed?: boolean;
  /** Shade the area under the line. */
  fill?: boolean;
  width?: number;
  /** Draw bars (`width` in x units) instead of a line, with an optional label above each. */
  bars?: { width: number; labels?: readonly string[] };
}

export interface ChartMarker {
  x: number;
  kind: 'spawn' | 'cheap';
}

export interface ChartBand {
  from: number;
  to: number;
  label: string;
}

/** A horizontal reference line (the service time on a latency axis). */
export interface ChartGuide {
  y: number;
  axis?: 'left' | 'right';
  label: string;
}

export interface ChartSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  series: ChartSeries[];
  markers?: ChartMarker[];
  bands?: ChartBand[];
  guides?: ChartGuide[];
  xMax?: number;
  width?: number;
  height?: number;
}

const FONT = 'font-family="-apple-system, \'Segoe UI\', Helvetica, Arial, sans-serif"';
const MARKER_STYLE = { spawn: { color: '#16a34a', label: 'spawn' }, cheap: { color: '#ea580c', label: 'cheap' } } as const;

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** About `count` round ticks (1, 2, 2.5, 5 x 10^n) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

export function formatTick(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 10000) return `${Number((v / 1000).toPrecision(3))}k`;
  return String(Number(v.toPrecision(4)));
}

const f = (n: number) => (Math.round(n * 10) / 10).toString();

export function renderChart(spec: ChartSpec): string {
  const width = spec.width ?? 900;
  const height = spec.height ?? 420;
  const hasRight = spec.series.some((s) => s.axis === 'right');
  const plot = { left: 64, right: width - (hasRight ? 68 : 24), top: spec.subtitle ? 66 : 50, bottom: height - 78 };
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const xMax = spec.xMax ?? Math.max(1, ...xs, ...(spec.bands ?? []).map((b) => b.to));
  const xTicks = niceTicks(0, xMax, 10);
  const xEnd = xTicks[xTicks.length - 1]!;
  const yRange = (axis: 'left' | 'right') => {
    const values = spec.series.filter((s) => (s.axis ?? 'left') === axis).flatMap((s) => s.points.map((p) => p[1]).filter((y): y is number => y !== null));
    values.push(...(spec.guides ?? []).filter((g) => (g.axis ?? 'left') === axis).map((g) => g.y));
    // 5 % headroom: a series at its maximum is not drawn on the frame.
    return niceTicks(0, Math.max(1, ...values) * 1.05, 5);
  };
  const yTicks = yRange('left');
  const y2Ticks = hasRight ? yRange('right') : [];
  const X = (x: number) => plot.left + (x / xEnd) * (plot.right - plot.left);
  const Y = (y: number, axis: 'left' | 'right' = 'left') => {
    const ticks = axis === 'left' ? yTicks : y2Ticks;
    return plot.bottom - (y / ticks[ticks.length - 1]!) * (plot.bottom - plot.top);
  };

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`);
  out.push(`<title>${escapeXml(spec.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${plot.left}" y="26" font-size="17" font-weight="600" fill="#111827">${escapeXml(spec.title)}</text>`);
  if (spec.subtitle) out.push(`<text x="${plot.left}" y="46" font-size="12" fill="#6b7280">${escapeXml(spec.subtitle)}</text>`);

  // Phases: alternate shades, label at the top of each.
  out.push('<g class="bands">');
  (spec.bands ?? []).forEach((b, i) => {
    const x1 = X(Math.max(0, b.from));
    const x2 = X(Math.min(xEnd, b.to));
    if (x2 - x1 < 1) return;
    out.push(`<rect x="${f(x1)}" y="${plot.top}" width="${f(x2 - x1)}" height="${plot.bottom - plot.top}" fill="${i % 2 ? '#f3f4f6' : '#f9fafb'}"/>`);
    // About 6 px per character at 11 px: a label that does not fit is cut, one with no room is left out.
    const room = Math.floor((x2 - x1 - 8) / 6);
    const label = b.label.length <= room ? b.label : room >= 4 ? b.label.slice(0, room - 1) + '…' : '';
    if (label) out.push(`<text x="${f(x1 + 4)}" y="${plot.top + 13}" font-size="11" fill="#6b7280">${escapeXml(label)}</text>`);
  });
  out.push('</g>');

  // Grid and axes.
  out.push('<g class="grid" stroke="#e5e7eb" stroke-width="1">');
  for (const t of yTicks) out.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${f(Y(t))}" y2="${f(Y(t))}"/>`);
  for (const t of xTicks) out.push(`<line x1="${f(X(t))}" x2="${f(X(t))}" y1="${plot.top}" y2="${plot.bottom}" stroke-dasharray="2 4"/>`);
  out.push('</g>');
  out.push('<g class="axes" fill="#374151">');
  out.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="#374151"/>`);
  out.push(`<line x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.bottom}" stroke="#374151"/>`);
  for (const t of yTicks) out.push(`<text x="${plot.left - 6}" y="${f(Y(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`);
  for (const t of xTicks) out.push(`<text x="${f(X(t))}" y="${plot.bottom + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  out.push(`<text x="${(plot.left + plot.right) / 2}" y="${plot.bottom + 34}" text-anchor="middle" fill="#111827">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#111827">${escapeXml(spec.yLabel)}</text>`);
  if (hasRight) {
    out.push(`<line x1="${plot.right}" x2="${plot.right}" y1="${plot.top}" y2="${plot.bottom}" stroke="#374151"/>`);
    for (const t of y2Ticks) out.push(`<text x="${plot.right + 6}" y="${f(Y(t, 'right') + 4)}">${formatTick(t)}</text>`);
    out.push(
      `<text transform="translate(${width - 14} ${(plot.top + plot.bottom) / 2}) rotate(90)" text-anchor="middle" fill="#111827">${escapeXml(spec.y2Label ?? '')}</text>`,
    );
  }
  out.push('</g>');

  for (const s of spec.series) out.push(seriesSvg(s, X, (y) => Y(y, s.axis ?? 'left'), plot.bottom));
  // Reference lines go over the series and are named in the legend, where no bar can hide the words.
  out.push('<g class="guides">');
  for (const g of spec.guides ?? []) {
    const y = f(Y(g.y, g.axis ?? 'left'));
    out.push(
      `<line x1="${plot.left}" x2="${plot.right}" y1="${y}" y2="${y}" stroke="#374151" stroke-width="1.2" stroke-dasharray="8 4"><title>${escapeXml(g.label)}</title></line>`,
    );
  }
  out.push('</g>');
  out.push(markersSvg(spec.markers ?? [], X, plot.bottom));
  out.push(legendSvg(spec, plot.left, height - 18));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Runs of consecutive non-null points: a null ends a line. */
function segments(points: readonly Point[]): [number, number][][] {
  const out: [number, number][][] = [];
  let current: [number, number][] = [];
  for (const [x, y] of points) {
    if (y === null) {
      if (current.length) out.push(current);
      current = [];
    } else current.push([x, y]);
  }
  if (current.length) out.push(current);
  return out;
}

function barsSvg(s: ChartSeries & { bars: NonNullable<ChartSeries['bars']> }, X: (x: number) => number, Y: (y: number) => number, baseline: number): string {
  const parts: string[] = [`<g class="series" data-series="${escapeXml(s.name)}">`];
  s.points.forEach(([x, y], i) => {
    if (y === null) return;
    const left = X(x - s.bars.width / 2);
    const w = X(x + s.bars.width / 2) - left;
    parts.push(`<rect x="${f(left)}" y="${f(Y(y))}" width="${f(w)}" height="${f(baseline - Y(y))}" fill="${s.color}" fill-opacity="0.85"/>`);
    const label = s.bars.labels?.[i];
    if (label) parts.push(`<text x="${f(left + w / 2)}" y="${f(Y(y) - 4)}" font-size="10" text-anchor="middle" fill="#374151">${escapeXml(label)}</text>`);
  });
  parts.push('</g>');
  return parts.join('\n');
}

function seriesSvg(s: ChartSeries, X: (x: number) => number, Y: (y: number) => number, baseline: number): string {
  if (s.bars) return barsSvg({ ...s, bars: s.bars }, X, Y, baseline);
  const parts: string[] = [`<g class="series" data-series="${escapeXml(s.name)}">`];
  for (const seg of segments(s.points)) {
    const coords: string[] = [];
    seg.forEach(([x, y], i) => {
      if (s.step && i > 0) coords.push(`${f(X(x))},${f(Y(seg[i - 1]![1]))}`);
      coords.push(`${f(X(x))},${f(Y(y))}`);
    });
    if (coords.length === 1) {
      const [x, y] = seg[0]!;
      parts.push(`<circle cx="${f(X(x))}" cy="${f(Y(y))}" r="2.5" fill="${s.color}"/>`);
      continue;
    }
    const line = coords.join(' ');
    if (s.fill) {
      const first = X(seg[0]![0]);
      const last = X(seg[seg.length - 1]![0]);
      parts.push(`<polygon points="${f(first)},${baseline} ${line} ${f(last)},${baseline}" fill="${s.color}" fill-opacity="0.12" stroke="none"/>`);
    }
    parts.push(
      `<polyline points="${line}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2}" stroke-linejoin="round"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
  }
  parts.push('</g>');
  return parts.join('\n');
}

/** Markers closer than 16 px merge into one with a count, so 35 spawns in 2 s stay readable. */
function markersSvg(markers: readonly ChartMarker[], X: (x: number) => number, baseline: number): string {
  const parts: string[] = ['<g class="markers">'];
  for (const kind of ['spawn', 'cheap'] as const) {
    const style = MARKER_STYLE[kind];
    const xs = markers
      .filter((m) => m.kind === kind)
      .map((m) => X(m.x))
      .sort((a, b) => a - b);
    const groups: { x: number; n: number }[] = [];
    for (const x of xs) {
      const g = groups[groups.length - 1];
      if (g && x - g.x < 16) g.n++;
      else groups.push({ x, n: 1 });
    }
    for (const g of groups) {
      const y = kind === 'spawn' ? baseline - 2 : baseline - 16;
      const shape =
        kind === 'spawn' ? `${f(g.x - 5)},${y} ${f(g.x + 5)},${y} ${f(g.x)},${y - 9}` : `${f(g.x - 5)},${y - 9} ${f(g.x + 5)},${y - 9} ${f(g.x)},${y}`;
      parts.push(`<polygon class="${kind}" points="${shape}" fill="${style.color}"><title>${style.label}${g.n > 1 ? ` x${g.n}` : ''}</title></polygon>`);
      if (g.n > 1) parts.push(`<text x="${f(g.x + 6)}" y="${y - (kind === 'spawn' ? 2 : 0)}" font-size="10" fill="${style.color}">x${g.n}</text>`);
    }
  }
  parts.push('</g>');
  return parts.join('\n');
}

function legendSvg(spec: ChartSpec, left: number, y: number): string {
  const items: string[] = [];
  let x = left;
  const add = (label: string, swatch: string) => {
    items.push(`<g transform="translate(${f(x)} ${y})">${swatch}<text x="22" y="4" fill="#374151">${escapeXml(label)}</text></g>`);
    x += 34 + label.length * 6.6;
  };
  for (const s of spec.series) {
    const suffix = s.axis === 'right' && spec.y2Label ? ' (right axis)' : '';
    add(s.name + suffix, `<line x1="0" x2="16" y1="0" y2="0" stroke="${s.color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
  }
  for (const g of spec.guides ?? []) {
    const suffix = g.axis === 'right' && spec.y2Label ? ' (right axis)' : '';
    add(g.label + suffix, '<line x1="0" x2="16" y1="0" y2="0" stroke="#374151" stroke-width="1.5" stroke-dasharray="5 3"/>');
  }
  for (const kind of ['spawn', 'cheap'] as const) {
    if (!(spec.markers ?? []).some((m) => m.kind === kind)) continue;
    const style = MARKER_STYLE[kind];
    const shape = kind === 'spawn' ? '3,4 13,4 8,-5' : '3,-5 13,-5 8,4';
    add(style.label, `<polygon points="${shape}" fill="${style.color}"/>`);
  }
  return `<g class="legend" font-size="12">\n${items.join('\n')}\n</g>`;
}
