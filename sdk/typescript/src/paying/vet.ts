// The client-side vetting every offer goes through before anything is signed.
import { ChallengeRejectedError } from "../errors.js";
import type { Offer, PayingFetchOptions } from "./options.js";

export function vetOffer(options: PayingFetchOptions, offer: Offer): void {
  const decline = (why: string) => {
    throw new ChallengeRejectedError("declined", why);
  };
  if (options.allowedOrigins && !options.allowedOrigins.includes(offer.origin)) {
    decline(`${offer.origin} is not an allowed origin`);
  }
  if (options.maxPricePerRequest !== undefined && offer.amount > options.maxPricePerRequest) {
    decline(`price ${offer.amount} is above the maximum ${options.maxPricePerRequest} per request`);
  }
  if (options.maxPerSession !== undefined && offer.deposit !== undefined && offer.deposit > options.maxPerSession) {
    decline(`a session deposit of ${offer.deposit} is above the maximum ${options.maxPerSession} per session`);
  }
  if (options.vet) {
    let said: string | void | undefined;
    try {
      said = options.vet(offer);
    } catch (e) {
      said = e instanceof Error ? e.message : String(e);
    }
    if (typeof said === "string") decline(said);
  }
}
