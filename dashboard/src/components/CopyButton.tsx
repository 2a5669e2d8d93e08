"use client";

import { useState } from "react";

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
    setTimeout(() => setCopied(null), 2000);
  }
  return (
    <button type="button" className="small" onClick={copy} aria-label={`${label}: ${text}`}>
      {copied === "yes" ? "Copied" : copied === "no" ? "Copy failed: select the text" : label}
    </button>
  );
}
