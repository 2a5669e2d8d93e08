// The sign-in routes (`/auth/*`), beside the versioned API.

import { api, unwrap } from "./client";
import { ApiError } from "./error";
import type { SignedInSession } from "./types";

/** Who is signed in, or null when nobody is (the client then sends the browser to sign in). */
export async function currentSession(): Promise<SignedInSession | null> {
  try {
    return await unwrap(api.GET("/auth/session"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Ends the session (the client sends X-MPPPal-CSRF with it, as with every change). */
export async function signOut(): Promise<void> {
  await unwrap(api.POST("/auth/logout"));
}
