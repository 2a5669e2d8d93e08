// Spend series (one per account, provider or category) as rows for a stacked bar chart.

export interface Series {
  key: string;
  points: { start: string; amount: number }[];
}

export interface Column {
  /** The row member holding this column's amounts (never "start"). */
  dataKey: string;
  name: string;
}

export type Row = { start: number } & Record<string, number>;

export const MAX_SERIES = 8;

function total(s: Series): number {
  return s.points.reduce((sum, p) => sum + p.amount, 0);
}

/** The start (ms) of every bucket of `stepMs` from `fromMs` (inclusive) to `toMs` (exclusive),
 * aligned to the step in UTC, as the API buckets. */
export function bucketStarts(fromMs: number, toMs: number, stepMs: number): number[] {
  const starts: number[] = [];
  for (let t = Math.floor(fromMs / stepMs) * stepMs; t < toMs; t += stepMs) starts.push(t);
  return starts;
}

/** One row per bucket (every one of `buckets`, empty ones at zero, and any other the API
 * answered), one column per series, the largest first; beyond MAX_SERIES the smallest are
 * summed into one column. */
export function toRows(series: Series[], label: (key: string) => string, buckets: number[] = []) {
  const ranked = [...series].sort((a, b) => total(b) - total(a) || a.key.localeCompare(b.key));
  const kept = ranked.length <= MAX_SERIES ? ranked : ranked.slice(0, MAX_SERIES - 1);
  const columns: Column[] = kept.map((s, i) => ({ dataKey: `s${i}`, name: label(s.key) }));
  if (kept.length < ranked.length) columns.push({ dataKey: "others", name: `${ranked.length - kept.length} others` });
  const empty = (start: number): Row => {
    const row: Row = { start };
    for (const c of columns) row[c.dataKey] = 0;
    return row;
  };
  const rows = new Map<number, Row>(buckets.map((start) => [start, empty(start)]));
  ranked.forEach((s, i) => {
    const column = i < kept.length ? `s${i}` : "others";
    for (const p of s.points) {
      const start = Date.parse(p.start);
      const row = rows.get(start) ?? empty(start);
      row[column] = (row[column] ?? 0) + p.amount;
      rows.set(start, row);
    }
  });
  return { columns, rows: [...rows.values()].sort((a, b) => a.start - b.start) };
}
