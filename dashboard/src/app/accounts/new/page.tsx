import type { Metadata } from "next";
import { NewAccountPage } from "@/components/accounts/NewAccountPage";

export const metadata: Metadata = { title: "New account" };

export default function Page() {
  return <NewAccountPage />;
}
