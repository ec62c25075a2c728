-- Idempotency keys (README, "Serving safely"): each write made with a key
-- stores it here, beside the batch it logged, in its own transaction.
-- The statements are package logsql's, run as they are by both stores.
CREATE TABLE idempotency (
	key         text COLLATE "C" PRIMARY KEY,
	fingerprint text NOT NULL,
	batch       bigint NOT NULL,
	at          text COLLATE "C" NOT NULL
);
CREATE INDEX idempotency_at ON idempotency (at);
