import type { Metadata } from "next";
import { Suspense } from "react";
import { TransfersPage } from "@/components/transfers/TransfersPage";

export const metadata: Metadata = { title: "Transfers" };

export default function Page() {
  return (
    <Suspense>
      <TransfersPage />
    </Suspense>
  );
}
