import type { Metadata } from "next";
import { ReconciliationPage } from "@/components/reconciliation/ReconciliationPage";

export const metadata: Metadata = { title: "Reconciliation" };

export default function Page() {
  return <ReconciliationPage />;
}
