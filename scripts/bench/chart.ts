/**
 * A self-contained SVG line chart of wall time against the number of workflows, one line per
 * series. A point that did not finish (stopped at a time limit) is drawn at the limit as an
 * upward arrow, labelled "> limit", so a quadratic series reads as "beyond here" rather than missing.
 */

export interface ChartPoint {
  readonly n: number;
  /** Seconds; undefined when the run was stopped at `limitSeconds`. */
  readonly seconds?: number;
  readonly limitSeconds?: number;
}

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly points: readonly ChartPoint[];
  /** Dashed line. @default false */
  readonly dashed?: boolean;
}

export interface ChartOptions {
  readonly title: string;
  readonly subtitle?: string;
  readonly series: readonly ChartSeries[];
  /** @default 760 */
  readonly width?: number;
  /** @default 440 */
  readonly height?: number;
}

const MARGIN = { left: 64, right: 200, top: 56, bottom: 52 };

export function lineChartSvg(options: ChartOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 440;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const allN = options.series.flatMap((s) => s.points.map((p) => p.n));
  const allSeconds = options.series.flatMap((s) => s.points.map((p) => p.seconds ?? p.limitSeconds ?? 0));
  const maxN = niceCeil(Math.max(1, ...allN));
  const maxS = niceCeil(Math.max(1, ...allSeconds) * 1.15); // headroom for the arrows
  const x = (n: number) => MARGIN.left + (n / maxN) * plotW;
  const y = (s: number) => MARGIN.top + plotH - (Math.min(s, maxS) / maxS) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${MARGIN.left}" y="24" font-size="16" font-weight="bold">${esc(options.title)}</text>`);
  if (options.subtitle) out.push(`<text x="${MARGIN.left}" y="42" fill="#555">${esc(options.subtitle)}</text>`);

  for (const t of ticks(maxS)) {
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${y(t) + 4}" text-anchor="end" fill="#333">${fmt(t)}</text>`);
  }
  for (const t of ticks(maxN)) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 5}" stroke="#333"/>`);
    out.push(`<text x="${x(t)}" y="${MARGIN.top + plotH + 20}" text-anchor="middle" fill="#333">${fmt(t)}</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 12}" text-anchor="middle">workflows per environment (× 3 environments)</text>`);
  out.push(`<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">wall time (s)</text>`);

  options.series.forEach((s, i) => {
    const finished = s.points.filter((p) => p.seconds !== undefined);
    const path = finished.map((p, j) => `${j ? 'L' : 'M'}${x(p.n).toFixed(1)} ${y(p.seconds!).toFixed(1)}`).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (finished.length > 1) out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2.5"${dash}/>`);
    for (const p of finished) {
      out.push(`<circle cx="${x(p.n).toFixed(1)}" cy="${y(p.seconds!).toFixed(1)}" r="4" fill="${s.color}"><title>${esc(`${s.label}: N=${p.n}, ${p.seconds!.toFixed(2)} s`)}</title></circle>`);
    }
    for (const p of s.points.filter((q) => q.seconds === undefined && q.limitSeconds !== undefined)) {
      const last = finished[finished.length - 1];
      const px = x(p.n);
      const py = y(p.limitSeconds!);
      if (last) out.push(`<path d="M${x(last.n).toFixed(1)} ${y(last.seconds!).toFixed(1)} L${px.toFixed(1)} ${py.toFixed(1)}" fill="none" stroke="${s.color}" stroke-width="2.5" stroke-dasharray="2 4"/>`);
      out.push(`<path d="M${px} ${py} L${px} ${py - 22} M${px - 6} ${py - 12} L${px} ${py - 22} L${px + 6} ${py - 12}" fill="none" stroke="${s.color}" stroke-width="2.5"/>`);
      out.push(`<text x="${px - 10}" y="${py - 8}" text-anchor="end" fill="${s.color}">&gt; ${fmt(p.limitSeconds!)} s (stopped)</text>`);
    }
    const ly = MARGIN.top + 16 + i * 22;
    const lx = MARGIN.left + plotW + 16;
    out.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2.5"${dash}/>`);
    out.push(`<text x="${lx + 30}" y="${ly}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function niceCeil(v: number, steps: readonly number[] = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]): number {
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of steps) if (step * magnitude >= v - 1e-9) return step * magnitude;
  return 10 * magnitude;
}

function ticks(max: number): number[] {
  const step = niceCeil(max / 5, [1, 2, 2.5, 5, 10]);
  const out: number[] = [];
  for (let t = 0; t <= max + 1e-9; t += step) out.push(Number(t.toFixed(6)));
  return out;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
