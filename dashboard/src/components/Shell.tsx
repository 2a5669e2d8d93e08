"use client";

import { useQuery } from "@tanstack/react-query";
import { usePathname } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { currentSession, signOut } from "@/api/auth";
import { signIn } from "@/api/client";
import { messageOf } from "@/api/error";
import { LiveEvents, useLive } from "@/api/live";
import { Nav, withSlash } from "./Nav";

const PUBLIC = ["/signed-out/"];

/** The page frame: navigation, who is signed in, sign out. Nobody signed in: off to sign in. */
export function Shell({ children }: { children: ReactNode }) {
  const path = usePathname();
  const open = PUBLIC.includes(withSlash(path));
  const session = useQuery({ queryKey: ["session"], queryFn: currentSession, enabled: !open, staleTime: 60_000 });
  const nobody = !open && session.data === null;
  useEffect(() => {
    if (nobody) signIn();
  }, [nobody]);
  const signedIn = !!session.data;
  return (
    <LiveEvents enabled={signedIn}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">MPPPal</span>
        {signedIn && session.data && <Who name={session.data.email ?? session.data.subject} />}
      </header>
      <div className="frame">
        {!open && <Nav />}
        <main id="main">
          {open || signedIn || session.isPending ? (
            // While the session is being asked for, the page already fetches its own data: a
            // 401 on either sends the browser to sign in, and the figures come one round trip
            // sooner for everyone signed in.
            children
          ) : session.error ? (
            <p className="error" role="alert">
              Cannot tell who is signed in: {messageOf(session.error)}
            </p>
          ) : (
            <p className="loading" role="status">
              Signing in…
            </p>
          )}
        </main>
      </div>
    </LiveEvents>
  );
}

function Who({ name }: { name: string }) {
  const live = useLive();
  async function out() {
    await signOut().catch(() => undefined);
    // A full load, so nothing of the signed-in session stays in memory.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign("/signed-out/");
  }
  return (
    <div className="who">
      <span className={live ? "live on" : "live"} title={live ? "Live updates on" : "Live updates off: refreshing every few seconds"}>
        {live ? "Live" : "Polling"}
      </span>
      <span data-testid="signed-in-as">{name}</span>
      <button type="button" className="small" onClick={out}>
        Sign out
      </button>
    </div>
  );
}
