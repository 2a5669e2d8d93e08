"use client";

import { useSearchParams } from "next/navigation";
import { useEffect } from "react";

/**
 * Where the browser lands after signing out, and after a sign-in that failed: the server sends a
 * browser whose `/auth/link` or `/auth/callback` failed here with the problem's `code` and
 * `detail` in the query. The detail is shown as text (React escapes it), never as HTML.
 */
export function SignedOutPage() {
  const params = useSearchParams();
  const code = params.get("code");
  const detail = params.get("detail");
  const failed = !!code;
  useEffect(() => {
    document.title = failed ? "Sign-in failed · MPPPal" : "Signed out · MPPPal";
  }, [failed]);
  if (!failed) {
    return (
      <>
        <h1>Signed out</h1>
        <SignInAgain />
      </>
    );
  }
  return (
    <>
      <h1>Sign-in failed</h1>
      <p className="error" role="alert" data-testid="signin-failure">
        {detail || "The server did not say why."}
      </p>
      <p className="hint">
        Code <code data-testid="signin-failure-code">{code}</code>
      </p>
      <SignInAgain />
    </>
  );
}

function SignInAgain() {
  return (
    <p>
      <a href="/auth/login">Sign in again</a>
    </p>
  );
}
