// Benchmark (not a test): ratios measured in one run against the real binaries.
//   1. a paid session request through the SDK vs plain fetch sending a voucher credential signed
//      beforehand, same provider, same channel (goal ≤ 1.3);
//   2. vouchers signed per second by the SDK (message, signature, base58, payload) vs raw
//      node:crypto Ed25519 signing of the same 50 bytes (goal ≥ 0.8).
// Run: npm run bench (MPPPAL_BIN as for the tests).
import { sign } from "node:crypto";
import { createPayingFetch, decodeBase58, Ed25519Key, formatCredential, policyWallet, signVoucher, voucherMessage } from "../src/index.js";
import { startStack, USDC } from "../tests/support/stack.js";

// Each session stays within the provider's suggested deposit (1000 requests at the price).
const REQUESTS = 900;

async function requests(): Promise<number> {
  const stack = await startStack();
  try {
    const provider = await stack.provider(1n);
    const account = await stack.policyAccount({ maxSingleTransfer: 5n * USDC, maxDailySpend: 50n * USDC }, 10n * USDC);
    const pay = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl });
    const url = `${provider.url}/session`;
    const origin = new URL(url).origin;
    const expectOk = async (r: Response) => {
      if (r.status !== 200) throw new Error(`unexpected ${r.status}: ${await r.text()}`);
      await r.arrayBuffer();
    };
    for (let i = 0; i < 20; i++) await expectOk(await pay(url)); // open + warm-up
    // The baseline's channel: opened by a second client, then continued by hand.
    const opener = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl });
    await expectOk(await opener(url));
    const base = opener.session(origin)!;
    let cumulative = base.cumulative;
    // One of each in turn, every request timed: drift on a shared machine hits both alike.
    const sdkTimes: number[] = [];
    const plainTimes: number[] = [];
    const now = () => process.hrtime.bigint();
    for (let k = 0; k < REQUESTS; k++) {
      cumulative += base.price;
      const voucher = signVoucher(account.agent, base.channel, cumulative);
      const headers = { authorization: formatCredential(base.challenge, { action: "voucher", channelId: base.channel, voucher }) };
      let t = now();
      await expectOk(await pay(url));
      sdkTimes.push(Number(now() - t));
      t = now();
      await expectOk(await fetch(url, { headers }));
      plainTimes.push(Number(now() - t));
    }
    await pay.dispose();
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return sorted[sorted.length >> 1]!;
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `paid session request (${REQUESTS} each): SDK median ${(median(sdkTimes) / 1000).toFixed(0)} µs, mean ${(mean(sdkTimes) / 1000).toFixed(0)} µs; ` +
        `plain fetch + pre-signed credential median ${(median(plainTimes) / 1000).toFixed(0)} µs, mean ${(mean(plainTimes) / 1000).toFixed(0)} µs`,
    );
    console.log(`ratio of means: ${(mean(sdkTimes) / mean(plainTimes)).toFixed(2)}`);
    return median(sdkTimes) / median(plainTimes);
  } finally {
    await stack.stop();
  }
}

function vouchers(): number {
  const key = Ed25519Key.generate();
  const channel = Ed25519Key.generate().address;
  const channelBytes = decodeBase58("channel", channel);
  const n = 20_000;
  // Raw: node:crypto signing the 50 bytes, with only the amount written in per voucher.
  const message = voucherMessage(channelBytes, 1n, 0);
  const view = new DataView(message.buffer);
  const raw = () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      view.setBigUint64(34, BigInt(i + 1), true);
      sign(null, message, key.privateKey);
    }
    return Number(process.hrtime.bigint() - start);
  };
  // SDK: what a session does per request — message, signature, base58, the voucher payload.
  const sdk = () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) signVoucher(key, channel, BigInt(i + 1), 0, channelBytes);
    return Number(process.hrtime.bigint() - start);
  };
  raw();
  sdk();
  let rawNs = 0;
  let sdkNs = 0;
  for (let round = 0; round < 3; round++) {
    rawNs += raw();
    sdkNs += sdk();
  }
  console.log(`vouchers: SDK ${((3 * n * 1e9) / sdkNs).toFixed(0)}/s, raw node:crypto Ed25519 ${((3 * n * 1e9) / rawNs).toFixed(0)}/s`);
  return rawNs / sdkNs;
}

const voucherRatio = vouchers();
const requestRatio = await requests();
console.log(`ratio paid request SDK / plain fetch (medians): ${requestRatio.toFixed(2)} (goal ≤ 1.3)`);
console.log(`ratio vouchers/s SDK / raw Ed25519: ${voucherRatio.toFixed(2)} (goal ≥ 0.8)`);
