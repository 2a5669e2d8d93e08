-- A custodial payment by transaction keeps what it needs to be signed later (after an operator
-- approves it): the fee payer and the legs the challenge asked for.
ALTER TABLE transfers ADD COLUMN payment_request JSONB;
