import type { Metadata } from "next";
import { Suspense } from "react";
import { SessionDetailPage } from "@/components/sessions/SessionDetailPage";

export const metadata: Metadata = { title: "Session" };

export default function Page() {
  return (
    <Suspense>
      <SessionDetailPage />
    </Suspense>
  );
}
