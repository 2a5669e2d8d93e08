-- A webhook try is leased, not locked: a dispatcher claims a message until `leased_until`, sends
-- it holding no database connection, then records the outcome. One that dies mid-try leaves the
-- lease to run out, and the message is tried again. While one message of an endpoint is leased,
-- no other of that endpoint is claimed, so a slow endpoint holds at most one dispatcher.

ALTER TABLE webhook_queue ADD COLUMN leased_until TIMESTAMPTZ;
CREATE INDEX webhook_queue_leased ON webhook_queue (endpoint_id) WHERE leased_until IS NOT NULL;
