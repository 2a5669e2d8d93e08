"use client";

import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

export function useWebhooks() {
  return useQuery({ queryKey: ["webhooks"], queryFn: () => unwrap(api.GET("/v1/webhooks")) });
}
