// Links to the Solana explorer for the cluster the server is configured with.

export interface Cluster {
  name: string;
  rpcUrl: string;
}

export function explorerTxUrl(signature: string, cluster: Cluster | null | undefined): string {
  const base = `https://explorer.solana.com/tx/${encodeURIComponent(signature)}`;
  if (!cluster || cluster.name === "mainnet-beta") return base;
  if (cluster.name === "devnet" || cluster.name === "testnet") return `${base}?cluster=${cluster.name}`;
  return `${base}?cluster=custom&customUrl=${encodeURIComponent(cluster.rpcUrl)}`;
}
