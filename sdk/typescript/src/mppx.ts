// The `solana` charge method for mppx's own client (`Mppx.create({ methods, polyfill: false })`),
// following mppx's `Method.from` + `Method.toClient`: mppx runs the 402 loop, this method makes
// the credential. It pays from a plain keypair (pull where the server sponsors fees, else push),
// exactly as createPayingFetch does; MPPPal wallets (receipts, sessions, policy) use
// createPayingFetch, whose loop also handles sessions, which mppx's charge flow does not.
import { Method, z } from "mppx";
import { InvalidInputError } from "./errors.js";
import { Chain } from "./solana/chain.js";
import { SETTLEMENT_PROGRAM_ID } from "./solana/programs.js";
import { formatCredential, fromMppx } from "./protocol/challenge.js";
import { solanaCharge } from "./paying/charge.js";
import { KeypairPayer } from "./paying/keypair-payer.js";
import type { KeypairWallet, PayingFetchOptions } from "./paying/options.js";

/** The `solana` method's `charge` intent: what its request and credential payload look like. */
export const solanaChargeMethod = Method.from({
  name: "solana",
  intent: "charge",
  schema: {
    credential: { payload: z.object({ type: z.string() }) },
    request: z.object({ amount: z.string(), currency: z.string(), recipient: z.string() }),
  },
});

/** A client of {@link solanaChargeMethod} paying from `wallet`'s token account. */
export function solanaChargeClient(options: Omit<PayingFetchOptions, "wallet"> & { wallet: KeypairWallet; rpcUrl: string }) {
  if (options.allowedOrigins) {
    // mppx hands createCredential the challenge only, not the request's URL.
    throw new InvalidInputError("allowedOrigins", "cannot be checked inside mppx's client; use createPayingFetch to restrict origins");
  }
  const payer = new KeypairPayer(
    { options, chain: new Chain(options.rpcUrl), reporter: undefined, send: options.fetch ?? globalThis.fetch, settlementProgram: SETTLEMENT_PROGRAM_ID },
    options.wallet,
  );
  return Method.toClient(solanaChargeMethod, {
    async createCredential({ challenge }) {
      const ours = fromMppx(challenge as never);
      const { payload } = await payer.payloadFor("", "", ours, solanaCharge(ours));
      return formatCredential(ours, payload);
    },
  });
}
