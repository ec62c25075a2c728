-- Accounts and the change log (docs/accounts.md). The statements that
-- use these tables are package logsql's, run as they are by both stores:
-- the tables have the same names and columns in PostgreSQL, and times are
-- text of one fixed UTC form.
CREATE TABLE users (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	name       TEXT NOT NULL UNIQUE,
	role       TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
	password   TEXT NOT NULL,
	created_at TEXT NOT NULL
) STRICT;

-- hash is a keyed hash of the token's secret; the secret is not kept.
CREATE TABLE tokens (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	label      TEXT NOT NULL,
	hash       TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	last_used  TEXT
) STRICT;
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE sessions (
	hash       TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	expires_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

-- The key of the keyed hashes, made on first use.
CREATE TABLE secrets (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- One row per record changed; batch is NULL on a batch's first entry,
-- whose ID is the batch's. kind and record_id are NULL for an import.
CREATE TABLE changes (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	at        TEXT NOT NULL,
	actor     TEXT NOT NULL,
	batch     INTEGER,
	action    TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'import')),
	kind      TEXT CHECK (kind IN ('zoo', 'animal', 'visit', 'user', 'token')),
	record_id INTEGER,
	before    TEXT,
	after     TEXT
) STRICT;
CREATE INDEX changes_record ON changes (kind, record_id, id);
CREATE INDEX changes_batch ON changes (batch) WHERE batch IS NOT NULL;
CREATE INDEX changes_actor ON changes (actor, id);
