import type { Delivery } from "@/api/types";

/** Tries grouped by event (in the order the events first appear: newest first), each event's
 * attempts in order. */
export function group(deliveries: Delivery[]): { eventId: number; eventType: string; attempts: Delivery[] }[] {
  const events = new Map<number, { eventId: number; eventType: string; attempts: Delivery[] }>();
  for (const d of deliveries) {
    const event = events.get(d.eventId) ?? { eventId: d.eventId, eventType: d.eventType, attempts: [] };
    event.attempts.push(d);
    events.set(d.eventId, event);
  }
  for (const e of events.values()) e.attempts.sort((a, b) => a.attempt - b.attempt || a.deliveryId - b.deliveryId);
  return [...events.values()];
}
