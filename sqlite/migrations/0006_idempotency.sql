-- Idempotency keys (README, "Serving safely"): each write made with a key
-- stores it here, beside the batch it logged, in its own transaction.
-- The statements are package logsql's, run as they are by both stores.
CREATE TABLE idempotency (
	key         TEXT PRIMARY KEY,
	fingerprint TEXT NOT NULL,
	batch       INTEGER NOT NULL,
	at          TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_at ON idempotency (at);
