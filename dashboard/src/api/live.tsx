"use client";

// Server-sent events from `GET /v1/events`: each event invalidates the queries it affects, so
// pages change without a reload. While the stream is down, lists poll instead.

import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { WEBHOOK_EVENTS } from "@/components/webhooks/events";

const POLL_MS = 5000;

const Live = createContext(false);

/** Query-key roots an event of `type` makes stale. */
export function staleRoots(type: string): string[] {
  const [kind] = type.split(".");
  switch (kind) {
    case "transfer":
      return ["transfers", "transfer", "overview", "spend", "balance", "escalations", "escalation"];
    case "escalation":
      return ["escalations", "escalation", "transfers", "transfer", "overview"];
    case "receipts":
      return ["receipts", "overview", "spend", "balance"];
    case "session":
      return ["sessions", "overview", "spend", "balance"];
    case "policy":
    case "account":
      return ["accounts", "account", "policy", "balance", "overview"];
    case "webhook":
      return ["webhooks", "deliveries"];
    case "reconciliation":
      return ["reconciliation"];
    default:
      return ["overview"];
  }
}

/** The event types the stream carries: the API's own list (`EventType` in its description). */
export const EVENT_TYPES: readonly string[] = WEBHOOK_EVENTS;

export function LiveEvents({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const client = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const onEvent = (event: MessageEvent<string>) => {
      const type = event.type === "message" ? parseType(event.data) : event.type;
      for (const root of staleRoots(type)) void client.invalidateQueries({ queryKey: [root] });
    };
    const connect = () => {
      source = new EventSource("/v1/events");
      // The stream starts with the next event: whatever happened between loading a page's data
      // and this (re)connection would be missed, so everything shown is read again once.
      source.onopen = () => {
        setLive(true);
        void client.invalidateQueries();
      };
      source.onmessage = onEvent;
      for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
      source.onerror = () => {
        setLive(false);
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          retry = setTimeout(connect, 15000);
        }
      };
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [client, enabled]);
  return <Live.Provider value={live}>{children}</Live.Provider>;
}

function parseType(data: string): string {
  try {
    const parsed: unknown = JSON.parse(data);
    if (parsed && typeof parsed === "object" && "type" in parsed && typeof parsed.type === "string") return parsed.type;
  } catch {
    // not JSON: refresh the overview only
  }
  return "";
}

/** Whether the event stream is connected. */
export function useLive(): boolean {
  return useContext(Live);
}

/** `refetchInterval` for queries: none while events arrive, polling while they cannot. */
export function usePollInterval(): number | false {
  return useLive() ? false : POLL_MS;
}
