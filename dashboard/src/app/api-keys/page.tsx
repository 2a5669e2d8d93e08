import type { Metadata } from "next";
import { ApiKeysPage } from "@/components/keys/ApiKeysPage";

export const metadata: Metadata = { title: "API keys" };

export default function Page() {
  return <ApiKeysPage />;
}
