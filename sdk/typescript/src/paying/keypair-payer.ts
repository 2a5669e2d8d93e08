// Paying from a plain keypair's own token account, as crates/mpppal-sdk/src/client/keypair.rs:
// the first `solana` charge in a token, one `transferChecked` per leg; pull where the server
// pays fees, otherwise push (the keypair pays the fee, sends, waits for `confirmed`). No policy,
// receipts or sessions: a plain keypair has none.
import { getTransferCheckedInstructionDataEncoder } from "@solana-program/token";
import { ChallengeRejectedError } from "../errors.js";
import { challengesOf, receiptOf, type PaymentChallenge } from "../protocol/challenge.js";
import { tokenAccountAddress } from "../solana/addresses.js";
import { meta, type Instruction } from "../solana/instruction.js";
import { TOKEN_PROGRAM_ID } from "../solana/programs.js";
import { buildTransaction } from "../solana/transaction.js";
import { expectedLegs, solanaCharge, type ValidCharge } from "./charge.js";
import { checkBalance, credential, noPayable, type PayerContext } from "./context.js";
import type { KeypairWallet, PayBy } from "./options.js";
import { recordPayment } from "./payment.js";
import { refused } from "./refusal.js";
import type { Replayable } from "./request.js";
import { vetOffer } from "./vet.js";

const transferData = getTransferCheckedInstructionDataEncoder();

export class KeypairPayer {
  /** The credential payload paying `charge` (sending the transaction first in push mode). */
  async payloadFor(origin: string, url: string, challenge: PaymentChallenge, charge: ValidCharge): Promise<{ payload: unknown; pushed: string | undefined }> {
    const payBy: PayBy = charge.feePayer ? { kind: "sponsored", feePayer: charge.feePayer } : { kind: "push" };
    vetOffer(this.ctx.options, { origin, url, challenge, amount: charge.amount, recipient: charge.recipient, mint: charge.mint, payBy, charge });
    const key = this.wallet.keypair;
    const source = await tokenAccountAddress(key.address, charge.mint);
    checkBalance(await this.ctx.chain!.tokenBalance(source), charge.amount);
    const instructions: Instruction[] = (await expectedLegs(charge)).map((leg) => ({
      programId: TOKEN_PROGRAM_ID,
      accounts: [meta.writable(source), meta.readonly(charge.mint), meta.writable(leg.destination), meta.signer(key.address)],
      data: new Uint8Array(transferData.encode({ amount: leg.amount, decimals: charge.decimals })),
    }));
    const blockhash = await this.ctx.chain!.latestBlockhash();
    if (charge.feePayer) {
      return { payload: { type: "transaction", transaction: (await buildTransaction(instructions, charge.feePayer, blockhash, [key])).wire }, pushed: undefined };
    }
    const tx = await buildTransaction(instructions, key.address, blockhash, [key]);
    const pushed = await this.ctx.chain!.sendAndConfirm(tx.wire, tx.signature);
    return { payload: { type: "signature", signature: pushed }, pushed };
  }

  private readonly ctx: PayerContext;
  private readonly wallet: KeypairWallet;

  constructor(ctx: PayerContext, wallet: KeypairWallet) {
    this.ctx = ctx;
    this.wallet = wallet;
  }

  async before(): Promise<Response | null> {
    return null;
  }

  async pay(request: Replayable, first: Response): Promise<Response> {
    const challenges = challengesOf(first.headers);
    await first.body?.cancel();
    const reasons: string[] = [];
    let found: { challenge: (typeof challenges)[number]; charge: ValidCharge } | undefined;
    for (const challenge of challenges) {
      try {
        found = { challenge, charge: solanaCharge(challenge) };
        break;
      } catch (e) {
        reasons.push(e instanceof Error ? e.message : String(e));
      }
    }
    if (!found) throw noPayable(reasons);
    const { challenge, charge } = found;
    const { payload, pushed } = await this.payloadFor(request.origin, request.url, challenge, charge);
    let response: Response;
    try {
      response = await this.ctx.send(...request.build(credential(challenge, payload)));
    } catch (e) {
      if (pushed) throw new ChallengeRejectedError("refused_after_paying", `no answer: ${String(e)}`, { paidBy: pushed });
      throw e;
    }
    if (!response.ok) throw await refused(response, pushed);
    return recordPayment(response, {
      kind: pushed ? "push" : "pull",
      amount: charge.amount,
      challengeId: challenge.id,
      receipt: receiptOf(response.headers),
      ...(pushed ? { signature: pushed } : {}),
    });
  }
}
