import type { Metadata } from "next";
import { Suspense } from "react";
import { TransferDetailPage } from "@/components/transfers/TransferDetailPage";

export const metadata: Metadata = { title: "Transfer" };

export default function Page() {
  return (
    <Suspense>
      <TransferDetailPage />
    </Suspense>
  );
}
