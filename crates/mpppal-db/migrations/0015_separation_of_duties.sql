-- Separation of duties: approving an escalation takes a key with the `approve` scope (or a person
-- signed in), and never the key or person that made the transfer, so one leaked key cannot both
-- ask for a payment above the threshold and wave it through.

ALTER TYPE api_key_scope ADD VALUE 'approve';

-- Who made the transfer: an API key id, or `oidc:<subject>` / `link:<subject>` for a person.
-- Transfers made before this column existed have none.
ALTER TABLE transfers ADD COLUMN created_by VARCHAR(64);
