"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsdc } from "@/lib/money";
import { bucketStarts, toRows, type Series } from "@/lib/series";

const COLOURS = ["#1f4fbf", "#2f7d4a", "#b7791f", "#8e3fb5", "#c53030", "#217a86", "#5a6270", "#a0522d"];

const tick = (value: unknown) => (typeof value === "number" && Number.isSafeInteger(value) ? formatUsdc(value, false) : "");

interface Props {
  series: Series[];
  bucket: "hour" | "day";
  /** The period the API answered for (RFC 3339). */
  from: string;
  to: string;
  label: (key: string) => string;
}

export function SpendChart({ series, bucket, from, to, label }: Props) {
  const step = bucket === "hour" ? 3_600_000 : 86_400_000;
  const { columns, rows } = toRows(series, label, bucketStarts(Date.parse(from), Date.parse(to), step));
  const when = (ms: unknown) => {
    const d = new Date(Number(ms));
    return bucket === "hour"
      ? d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
      : d.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  };
  return (
    <div className="chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#d6dbe1" />
          <XAxis dataKey="start" tickFormatter={when} stroke="#4f5965" fontSize={12} />
          <YAxis tickFormatter={tick} stroke="#4f5965" fontSize={12} width={70} />
          <Tooltip
            labelFormatter={(v) => new Date(Number(v)).toLocaleString()}
            formatter={(v) => (typeof v === "number" ? formatUsdc(v) : String(v))}
          />
          <Legend />
          {columns.map((c, i) => (
            <Bar key={c.dataKey} dataKey={c.dataKey} name={c.name} stackId="spend" fill={COLOURS[i % COLOURS.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
