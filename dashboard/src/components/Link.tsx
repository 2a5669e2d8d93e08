import NextLink from "next/link";
import type { ComponentProps } from "react";

/** next/link without prefetching: a page's JavaScript loads when it is opened, not whenever a
 * link to it scrolls into view (that would load every page's code with the overview). */
export default function Link(props: ComponentProps<typeof NextLink>) {
  return <NextLink prefetch={false} {...props} />;
}
