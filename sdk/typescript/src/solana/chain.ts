// The chain as the paying client needs it, over JSON-RPC with @solana/kit: wallet snapshots,
// balances, blockhashes, sending and confirming.
import { address, createSolanaRpc, signature as toSignature, type Rpc, type SolanaRpcApi } from "@solana/kit";
import { ChainError } from "../errors.js";
import { POLICY_PROGRAM_ID } from "./programs.js";
import { decodeWallet, type WalletAccount } from "./wallet-account.js";

export interface WalletSnapshot {
  wallet: WalletAccount;
  vaultBalance: bigint;
}

export class Chain {
  readonly rpc: Rpc<SolanaRpcApi>;
  readonly url: string;

  constructor(url: string) {
    this.url = url;
    this.rpc = createSolanaRpc(url);
  }

  async readWallet(wallet: string): Promise<WalletSnapshot> {
    const info = await this.rpc
      .getAccountInfo(address(wallet), { encoding: "base64", commitment: "confirmed" })
      .send()
      .catch((e: unknown) => {
        throw new ChainError(`cannot read wallet ${wallet}: ${String(e)}`, { cause: e });
      });
    if (!info.value) throw new ChainError(`wallet ${wallet} not found`);
    if (info.value.owner !== POLICY_PROGRAM_ID) throw new ChainError(`${wallet} is not an MPPPal wallet`);
    const account = decodeWallet(new Uint8Array(Buffer.from(info.value.data[0], "base64")));
    return { wallet: account, vaultBalance: await this.tokenBalance(account.vault) };
  }

  /** A token account's balance in base units (0 when it does not exist). */
  async tokenBalance(tokenAccount: string): Promise<bigint> {
    try {
      const balance = await this.rpc.getTokenAccountBalance(address(tokenAccount), { commitment: "confirmed" }).send();
      return BigInt(balance.value.amount);
    } catch (e) {
      if (String(e).includes("could not find account") || String(e).includes("not found")) return 0n;
      throw new ChainError(`cannot read the balance of ${tokenAccount}: ${String(e)}`, { cause: e });
    }
  }

  async latestBlockhash(): Promise<{ blockhash: string; lastValidBlockHeight: bigint }> {
    const { value } = await this.rpc.getLatestBlockhash({ commitment: "confirmed" }).send();
    return value;
  }

  /** Sends a base64 wire transaction and waits until it is `confirmed`; its signature. */
  async sendAndConfirm(wireBase64: string, signature: string, timeoutMs = 30_000): Promise<string> {
    await this.rpc
      .sendTransaction(wireBase64 as never, { encoding: "base64", preflightCommitment: "confirmed" })
      .send()
      .catch((e: unknown) => {
        const logs = (e as { context?: { logs?: string[] } }).context?.logs;
        throw new ChainError(`the transaction was refused: ${String(e)}${logs ? `\n${logs.join("\n")}` : ""}`, { cause: e });
      });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { value } = await this.rpc.getSignatureStatuses([toSignature(signature)]).send();
      const status = value[0];
      if (status?.err) throw new ChainError(`transaction ${signature} failed: ${JSON.stringify(status.err)}`);
      if (status && (status.confirmationStatus === "confirmed" || status.confirmationStatus === "finalized")) return signature;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new ChainError(`transaction ${signature} was not confirmed in ${timeoutMs} ms`);
  }
}
