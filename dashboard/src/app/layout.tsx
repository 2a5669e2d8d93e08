import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "./providers";
import { Shell } from "@/components/Shell";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "MPPPal", template: "%s · MPPPal" },
  description: "MPPPal operator dashboard: agent wallets paying HTTP 402 services in USDC.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <Shell>{children}</Shell>
        </Providers>
      </body>
    </html>
  );
}
