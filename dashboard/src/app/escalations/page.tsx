import type { Metadata } from "next";
import { EscalationsPage } from "@/components/escalations/EscalationsPage";

export const metadata: Metadata = { title: "Escalations" };

export default function Page() {
  return <EscalationsPage />;
}
