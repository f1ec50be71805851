/**
 * One bench's figures: `{ NAME: { value, unit, budget } }`. A budget is `<= n`, `>= n`, `== n` or `''` (reported
 * only). Each bench prints its own lines for humans, then one `METRICS {json}` line that `npm run bench` collects.
 */
export interface Metric {
  value: number;
  unit: string;
  budget: string;
  /** What the figure is, in a few words (the table's last column). */
  note?: string;
  /** Bundles: the npm packages inside, with their minified share in KB. */
  packages?: Record<string, number>;
}
export type Metrics = Record<string, Metric>;

export function emitMetrics(metrics: Metrics): void {
  console.log(`METRICS ${JSON.stringify(metrics)}`);
}

/** The budget's verdict; `undefined` when the metric has none. */
export function withinBudget(metric: Metric): boolean | undefined {
  const match = /^(<=|>=|==)\s*(-?[\d.]+)$/.exec(metric.budget.trim());
  if (!match) return undefined;
  const limit = Number(match[2]);
  if (match[1] === '<=') return metric.value <= limit;
  if (match[1] === '>=') return metric.value >= limit;
  return metric.value === limit;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: number[]): number => percentile(values, 50);

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
