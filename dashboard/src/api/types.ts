// Names for the API's shapes, taken from the generated schema.
import type { components } from "./schema";

type S = components["schemas"];

export type Account = S["AccountView"];
export type Balance = S["Balance"];
export type Policy = S["PolicyView"];
export type PolicyBody = S["PolicyBody"];
export type Transfer = S["TransferView"];
export type Escalation = S["EscalationView"];
export type SignedInSession = S["SignedInSession"];
export type PaymentSession = S["SessionView"];
export type RotatedSecret = S["RotatedSecret"];
export type ReplayedJob = S["ReplayedJob"];
export type Receipt = S["ReceiptView"];
export type Webhook = S["Webhook"];
export type EventType = S["EventType"];
export type Delivery = S["DeliveryView"];
export type AuditEntry = S["AuditEntry"];
export type ApiKey = S["ApiKey"];
export type DeadJob = S["DeadJob"];
export type Difference = S["DifferenceView"];
export type Operator = S["Operator"];
export type Overview = S["Overview"];
export type SpendSeries = S["SpendSeries"];
export type AuditVerification = S["AuditVerification"];

/** A page of a cursor-paged list. */
export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}
