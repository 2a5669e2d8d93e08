"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

/** Approve or deny an escalation, with an optional note. */
export function useDecide() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, approve, note }: { id: string; approve: boolean; note: string }) => {
      const init = { params: { path: { escalation_id: id } }, body: { note: note || null } };
      return unwrap(
        approve
          ? api.POST("/v1/escalations/{escalation_id}/approve", init)
          : api.POST("/v1/escalations/{escalation_id}/deny", init),
      );
    },
    onSettled: () => {
      for (const root of ["escalations", "escalation", "transfers", "transfer", "overview"]) void client.invalidateQueries({ queryKey: [root] });
    },
  });
}
