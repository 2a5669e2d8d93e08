import type { Metadata } from "next";
import { Suspense } from "react";
import { AccountDetailPage } from "@/components/accounts/AccountDetailPage";

export const metadata: Metadata = { title: "Account" };

export default function Page() {
  return (
    <Suspense>
      <AccountDetailPage />
    </Suspense>
  );
}
