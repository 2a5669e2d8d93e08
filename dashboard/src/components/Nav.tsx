"use client";

import Link from "@/components/Link";
import { usePathname } from "next/navigation";

export const SECTIONS = [
  { href: "/", label: "Overview" },
  { href: "/accounts/", label: "Accounts" },
  { href: "/transfers/", label: "Transfers" },
  { href: "/escalations/", label: "Escalations" },
  { href: "/sessions/", label: "Sessions" },
  { href: "/receipts/", label: "Receipts" },
  { href: "/webhooks/", label: "Webhooks" },
  { href: "/audit/", label: "Audit log" },
  { href: "/api-keys/", label: "API keys" },
  { href: "/jobs/", label: "Dead jobs" },
  { href: "/reconciliation/", label: "Reconciliation" },
];

export function Nav() {
  const path = withSlash(usePathname());
  const current = (href: string) => (href === "/" ? path === "/" : path.startsWith(href));
  return (
    <nav aria-label="Sections">
      <ul>
        {SECTIONS.map((s) => (
          <li key={s.href}>
            <Link href={s.href} aria-current={current(s.href) ? "page" : undefined}>
              {s.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The path with one trailing slash, as the export's links have it. */
export function withSlash(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}
