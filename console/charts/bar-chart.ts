import { escapeHtml, trusted, type Html } from '../html';

/** Horizontal bars with their counts, as inline SVG: one chart per breakdown (by kind, by state, …). */
export function barChart(title: string, counts: Record<string, number>): Html {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0)
    return trusted(
      `<figure class="bars"><figcaption>${escapeHtml(title)}</figcaption><p class="empty">nothing in this window</p></figure>`,
    );
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const row = 24;
  const width = 420;
  const label = 120;
  const bars = entries.map(([name, n], i) => {
    const w = ((width - label - 50) * n) / max;
    const y = i * row;
    return (
      `<text class="tick" x="${label - 8}" y="${y + 16}" text-anchor="end">${escapeHtml(name)}</text>` +
      `<rect class="bar" x="${label}" y="${y + 4}" width="${Math.max(w, 1).toFixed(1)}" height="${row - 8}"/>` +
      `<text class="count" x="${(label + w + 6).toFixed(1)}" y="${y + 16}">${n}</text>`
    );
  });
  return trusted(
    `<figure class="bars"><figcaption>${escapeHtml(title)}</figcaption>` +
      `<svg class="chart" viewBox="0 0 ${width} ${entries.length * row}" role="img" aria-label="${escapeHtml(title)}">${bars.join('')}</svg></figure>`,
  );
}
