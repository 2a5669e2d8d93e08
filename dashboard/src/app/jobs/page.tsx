import type { Metadata } from "next";
import { DeadJobsPage } from "@/components/jobs/DeadJobsPage";

export const metadata: Metadata = { title: "Dead jobs" };

export default function Page() {
  return <DeadJobsPage />;
}
