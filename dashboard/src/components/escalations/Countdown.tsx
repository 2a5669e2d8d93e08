"use client";

import { useEffect, useState } from "react";
import { countdown } from "@/lib/time";

/** Time left until `until`, ticking each second. */
export function Countdown({ until }: { until: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = countdown(until, now);
  return (
    <span className="countdown" title={`expires ${new Date(until).toISOString()}`}>
      {left ? `${left} left` : "expired"}
    </span>
  );
}
