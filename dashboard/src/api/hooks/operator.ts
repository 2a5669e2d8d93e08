"use client";

import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../client";

/** The signed-in operator (and the cluster its server pays on). */
export function useOperator() {
  return useQuery({
    queryKey: ["operator"],
    queryFn: () => unwrap(api.GET("/v1/operator")),
    staleTime: 60_000,
  });
}
