"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useId, useMemo, useState } from "react";
import { api, unwrap } from "@/api/client";
import { QueryState } from "@/components/QueryState";
import { usePollInterval } from "@/api/live";

// The chart library is the largest part of the page: it loads after the figures are on screen.
const SpendChart = dynamic(() => import("@/components/SpendChart").then((m) => m.SpendChart), {
  ssr: false,
  loading: () => <p className="loading">Drawing the chart…</p>,
});

type Bucket = "hour" | "day";
type By = "account" | "provider" | "category";

const HOUR = 3600_000;

function range(bucket: Bucket, now: number): { from: string; to: string } {
  const span = bucket === "hour" ? 24 * HOUR : 30 * 24 * HOUR;
  const step = bucket === "hour" ? HOUR : 24 * HOUR;
  const end = Math.ceil(now / step) * step;
  return { from: new Date(end - span).toISOString(), to: new Date(end).toISOString() };
}

export function SpendPanel({ names }: { names: Map<string, string> }) {
  const id = useId();
  const [bucket, setBucket] = useState<Bucket>("hour");
  const [by, setBy] = useState<By>("account");
  const [now] = useState(() => Date.now());
  const { from, to } = useMemo(() => range(bucket, now), [bucket, now]);
  const refetchInterval = usePollInterval();
  const spend = useQuery({
    queryKey: ["spend", { from, to, bucket, by }],
    queryFn: () => unwrap(api.GET("/v1/spend", { params: { query: { from, to, bucket, by } } })),
    refetchInterval,
  });
  const label = (key: string) => (by === "account" ? (names.get(key) ?? key) : key.length > 20 ? `${key.slice(0, 6)}…${key.slice(-6)}` : key);
  const empty = !spend.data || spend.data.series.every((s) => s.points.every((p) => p.amount === 0));
  return (
    <section aria-labelledby="spend-heading">
      <h2 id="spend-heading">Spend over time</h2>
      <div className="toolbar">
        <div className="field">
          <label htmlFor={`${id}-bucket`}>Period</label>
          <select id={`${id}-bucket`} value={bucket} onChange={(e) => setBucket(e.target.value as Bucket)}>
            <option value="hour">Last 24 hours, by hour</option>
            <option value="day">Last 30 days, by day</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-by`}>By</label>
          <select id={`${id}-by`} value={by} onChange={(e) => setBy(e.target.value as By)}>
            <option value="account">Account</option>
            <option value="provider">Provider (recipient)</option>
            <option value="category">Category</option>
          </select>
        </div>
      </div>
      <QueryState isPending={spend.isPending} error={spend.error} isEmpty={empty} empty="No spending in this period.">
        {spend.data && (
          <figure className="panel" aria-label={`Spend by ${by}, per ${bucket}`}>
            <SpendChart series={spend.data.series} bucket={bucket} from={spend.data.from} to={spend.data.to} label={label} />
          </figure>
        )}
      </QueryState>
    </section>
  );
}
