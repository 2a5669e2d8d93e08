import type { Metadata } from "next";
import { Suspense } from "react";
import { WebhookDetailPage } from "@/components/webhooks/WebhookDetailPage";

export const metadata: Metadata = { title: "Webhook" };

export default function Page() {
  return (
    <Suspense>
      <WebhookDetailPage />
    </Suspense>
  );
}
