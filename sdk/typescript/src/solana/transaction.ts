// Building and signing legacy transactions with @solana/kit from our plain instructions: fully
// signed (push) or signed by the agent only, the fee payer's slot left for the server (pull).
import {
  AccountRole,
  address,
  appendTransactionMessageInstructions,
  compileTransaction,
  createKeyPairFromPrivateKeyBytes,
  createTransactionMessage,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  partiallySignTransaction,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
  type Blockhash,
} from "@solana/kit";
import type { Ed25519Key } from "./keys.js";
import type { Instruction } from "./instruction.js";

function role(isSigner: boolean, isWritable: boolean): AccountRole {
  if (isSigner) return isWritable ? AccountRole.WRITABLE_SIGNER : AccountRole.READONLY_SIGNER;
  return isWritable ? AccountRole.WRITABLE : AccountRole.READONLY;
}

function toKit(ix: Instruction) {
  return {
    programAddress: address(ix.programId),
    accounts: ix.accounts.map((a) => ({ address: address(a.pubkey), role: role(a.isSigner, a.isWritable) })),
    data: ix.data,
  };
}

const keyPairs = new WeakMap<Ed25519Key, Promise<CryptoKeyPair>>();

function kitKeyPair(key: Ed25519Key): Promise<CryptoKeyPair> {
  let pair = keyPairs.get(key);
  if (!pair) {
    pair = createKeyPairFromPrivateKeyBytes(key.seed);
    keyPairs.set(key, pair);
  }
  return pair;
}

export interface SignedTransaction {
  /** Standard base64 of the wire transaction. */
  wire: string;
  /** The first (fee payer's) signature, base58: the transaction's id once fully signed. */
  signature: string;
}

/**
 * `instructions` with `feePayer` first, signed by `signers` (the fee payer's own slot stays
 * empty when it is not among them, for the server to fill).
 */
export async function buildTransaction(
  instructions: Instruction[],
  feePayer: string,
  blockhash: { blockhash: string; lastValidBlockHeight: bigint },
  signers: Ed25519Key[],
): Promise<SignedTransaction> {
  const message = pipe(
    createTransactionMessage({ version: "legacy" }),
    (m) => setTransactionMessageFeePayer(address(feePayer), m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: blockhash.blockhash as Blockhash, lastValidBlockHeight: blockhash.lastValidBlockHeight }, m),
    (m) => appendTransactionMessageInstructions(instructions.map(toKit), m),
  );
  const compiled = compileTransaction(message);
  const signed = await partiallySignTransaction(await Promise.all(signers.map(kitKeyPair)), compiled);
  const payerSigned = signers.some((s) => s.address === feePayer);
  return {
    wire: getBase64EncodedWireTransaction(signed),
    signature: payerSigned ? getSignatureFromTransaction(signed as never) : "",
  };
}
