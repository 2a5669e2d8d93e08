// The local chain serves @solana/kit, a JSON-RPC client we did not write: airdrop, a v0
// transaction simulated, sent and read back, statuses, accounts and rent.
// Run by scripts/test with MPPPAL_BIN naming the binary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { once } from "node:events";
import {
  createSolanaRpc, generateKeyPairSigner, lamports, pipe, createTransactionMessage,
  setTransactionMessageFeePayerSigner, setTransactionMessageLifetimeUsingBlockhash,
  appendTransactionMessageInstruction, signTransactionMessageWithSigners,
  getBase64EncodedWireTransaction, getSignatureFromTransaction,
} from "@solana/kit";
import { getTransferSolInstruction } from "@solana-program/system";

let localnet;
let rpc;

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  return port;
}

before(async () => {
  const port = await freePort();
  localnet = spawn(process.env.MPPPAL_BIN ?? "../../target/debug/mpppal", ["localnet", "--port", String(port)]);
  const [first] = await once(localnet.stdout, "data");
  assert.match(first.toString(), /JSON-RPC on/);
  rpc = createSolanaRpc(`http://127.0.0.1:${port}`);
});

after(() => localnet?.kill());

async function funded(amount) {
  const signer = await generateKeyPairSigner();
  await rpc.requestAirdrop(signer.address, lamports(amount)).send();
  return signer;
}

test("airdrop lands and shows in the balance", async () => {
  const alice = await funded(2_000_000_000n);
  assert.equal((await rpc.getBalance(alice.address).send()).value, 2_000_000_000n);
});

test("a v0 transfer simulates, sends, and reads back with its metadata", async () => {
  const alice = await funded(2_000_000_000n);
  const bob = await generateKeyPairSigner();
  const { value: latest } = await rpc.getLatestBlockhash().send();
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(alice, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(latest, m),
    (m) => appendTransactionMessageInstruction(
      getTransferSolInstruction({ source: alice, destination: bob.address, amount: 1_000_000n }), m),
  );
  const signed = await signTransactionMessageWithSigners(message);
  const wire = getBase64EncodedWireTransaction(signed);

  const simulated = await rpc.simulateTransaction(wire, { encoding: "base64" }).send();
  assert.equal(simulated.value.err, null);
  assert.ok(simulated.value.unitsConsumed > 0n);

  const signature = await rpc.sendTransaction(wire, { encoding: "base64" }).send();
  assert.equal(signature, getSignatureFromTransaction(signed));
  const [status] = (await rpc.getSignatureStatuses([signature]).send()).value;
  assert.equal(status.err, null);
  assert.equal(status.confirmationStatus, "finalized");

  const tx = await rpc.getTransaction(signature, { encoding: "json", maxSupportedTransactionVersion: 0 }).send();
  assert.equal(tx.meta.err, null);
  assert.equal(tx.meta.fee, 5000n);
  assert.equal((await rpc.getBalance(bob.address).send()).value, 1_000_000n);
  assert.equal((await rpc.isBlockhashValid(latest.blockhash).send()).value, true);
});

test("accounts and rent read like a validator's", async () => {
  const alice = await funded(1_000_000_000n);
  const account = await rpc.getAccountInfo(alice.address, { encoding: "base64" }).send();
  assert.equal(account.value.lamports, 1_000_000_000n);
  assert.equal(account.value.owner, "11111111111111111111111111111111");
  assert.equal(await rpc.getMinimumBalanceForRentExemption(165n).send(), 2_039_280n);
  const missing = await generateKeyPairSigner();
  assert.equal((await rpc.getAccountInfo(missing.address, { encoding: "base64" }).send()).value, null);
});
