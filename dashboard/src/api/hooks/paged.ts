"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import type { Page } from "../types";
import { usePollInterval } from "../live";

/** A cursor-paged list, one page more each time `fetchNextPage` is called. */
export function usePaged<T>(key: readonly unknown[], fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
  const refetchInterval = usePollInterval();
  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page<T>) => last.nextCursor ?? undefined,
    refetchInterval,
  });
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  return { ...query, items };
}
