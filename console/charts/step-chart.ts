import { escapeHtml, trusted, type Html } from '../html';

interface StepPoint {
  at: number;
  value: number;
}

export interface StepChart {
  title: string;
  points: StepPoint[];
  /** Names for the y values (a call's states); numbers are printed when absent. */
  yLabels?: string[];
  /** Shaded spans with a label, e.g. the talk time between answered and ended. */
  bands?: { from: number; to: number; label: string }[];
  /** Extend the last step to this time (now, for something still going). */
  until?: number;
}

const W = 640;
const H = 220;
const PAD = { left: 90, right: 40, top: 24, bottom: 30 };

/**
 * A step line as inline SVG, rendered on the server: no charting script to ship or run. The value holds from one
 * point until the next, which is how states and counts behave.
 */
export function stepChart(chart: StepChart): Html {
  const points = [...chart.points].sort((a, b) => a.at - b.at);
  if (points.length === 0) return trusted(`<p class="empty">no data for ${escapeHtml(chart.title)}</p>`);
  const t0 = points[0]!.at;
  const t1 = Math.max(chart.until ?? points.at(-1)!.at, t0 + 1000);
  const maxValue = Math.max(1, ...points.map((p) => p.value), (chart.yLabels?.length ?? 1) - 1);
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / maxValue) * (H - PAD.top - PAD.bottom);
  let path = `M${x(points[0]!.at).toFixed(1)},${y(points[0]!.value).toFixed(1)}`;
  for (const p of points.slice(1)) path += ` H${x(p.at).toFixed(1)} V${y(p.value).toFixed(1)}`;
  path += ` H${x(t1).toFixed(1)}`;
  const ticks = chart.yLabels
    ? chart.yLabels.map((label, v) => ({ label, v }))
    : [...new Set([0, maxValue, Math.round(maxValue / 2)])].map((v) => ({ label: String(v), v }));
  const bands = (chart.bands ?? []).map(
    (b) =>
      `<rect class="band" x="${x(b.from).toFixed(1)}" y="${PAD.top}" width="${Math.max(1, x(b.to) - x(b.from)).toFixed(1)}" height="${H - PAD.top - PAD.bottom}"/>` +
      `<text class="band-label" x="${((x(b.from) + x(b.to)) / 2).toFixed(1)}" y="${PAD.top - 6}" text-anchor="middle">${escapeHtml(b.label)}</text>`,
  );
  const dots = points.map(
    (p) =>
      `<circle cx="${x(p.at).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3.5"><title>${escapeHtml(new Date(p.at).toISOString())}</title></circle>`,
  );
  const yAxis = ticks.map(
    (t) =>
      `<text class="tick" x="${PAD.left - 8}" y="${(y(t.v) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(t.label)}</text>`,
  );
  const xAxis = [t0, (t0 + t1) / 2, t1].map(
    (t) =>
      `<text class="tick" x="${x(t).toFixed(1)}" y="${H - 10}" text-anchor="middle">${new Date(t).toISOString().slice(11, 19)}</text>`,
  );
  return trusted(
    `<svg class="chart step" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(chart.title)}"><title>${escapeHtml(chart.title)}</title>` +
      bands.join('') +
      `<line class="axis" x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}"/>` +
      `<path class="line" d="${path}"/>${dots.join('')}${yAxis.join('')}${xAxis.join('')}</svg>`,
  );
}
