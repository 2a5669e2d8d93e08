import type { Metadata } from "next";
import { Suspense } from "react";
import { SignedOutPage } from "@/components/signin/SignedOutPage";

export const metadata: Metadata = { title: "Signed out" };

export default function SignedOut() {
  return (
    // The query (a failed sign-in's code and detail) is read in the browser; until then, and
    // without scripts, the way back in.
    <Suspense
      fallback={
        <p>
          <a href="/auth/login">Sign in again</a>
        </p>
      }
    >
      <SignedOutPage />
    </Suspense>
  );
}
