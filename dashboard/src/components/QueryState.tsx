import type { ReactNode } from "react";
import { messageOf } from "@/api/error";

interface Props {
  isPending: boolean;
  error: unknown;
  isEmpty?: boolean;
  empty?: ReactNode;
  children: ReactNode;
}

/** Loading, error (the problem's detail), empty, or the content. */
export function QueryState({ isPending, error, isEmpty, empty, children }: Props) {
  if (error) return <ErrorNote error={error} />;
  if (isPending)
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  if (isEmpty) return <p className="empty">{empty ?? "Nothing here yet."}</p>;
  return <>{children}</>;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {messageOf(error)}
    </p>
  );
}
