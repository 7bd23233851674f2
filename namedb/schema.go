package namedb

// schema is the whole database. Every table that changes with a block is
// keyed or indexed by height so Rewind can undo it; every change of a block
// is written in the block's one transaction.
//
// Records are JSON (the original's field names) in a record column; the
// columns beside it are what the rules and the API search by.
const schema = `
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per applied block. verified is 0 for blocks whose consensus hash
-- zonemirror does not claim to match the original's (epoch 4 and later).
CREATE TABLE IF NOT EXISTS blocks (
	height         INTEGER PRIMARY KEY,
	hash           BLOB NOT NULL,
	consensus_hash BLOB NOT NULL,
	ops            INTEGER NOT NULL,
	verified       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS blocks_by_consensus_hash ON blocks (consensus_hash);

-- The current record of every name ever registered or imported.
CREATE TABLE IF NOT EXISTS names (
	name             TEXT PRIMARY KEY,
	namespace_id     TEXT NOT NULL,
	owner            BLOB NOT NULL,
	address          TEXT NOT NULL,
	name_hash128     BLOB NOT NULL,
	first_registered INTEGER NOT NULL,
	last_renewed     INTEGER NOT NULL,
	revoked          INTEGER NOT NULL,
	record           BLOB NOT NULL
) WITHOUT ROWID;
-- Owners and hash128s are searched in memory (index.go), not here.
CREATE INDEX IF NOT EXISTS names_by_namespace ON names (namespace_id, name);

-- Every post-op record of a name (state = 1), and the preorder that led to
-- each registration (state = 0, shown at the preorder's height). written is
-- the block that wrote the row: Rewind deletes by it and restores each name
-- from its newest remaining state row.
CREATE TABLE IF NOT EXISTS name_history (
	name     TEXT NOT NULL,
	height   INTEGER NOT NULL,
	vtxindex INTEGER NOT NULL,
	written  INTEGER NOT NULL,
	state    INTEGER NOT NULL,
	record   BLOB NOT NULL,
	PRIMARY KEY (name, height, vtxindex)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS name_history_by_written ON name_history (written);

-- Name and namespace preorders. consumed is the block of the registration
-- or reveal that used it (NULL while pending).
CREATE TABLE IF NOT EXISTS preorders (
	id            INTEGER PRIMARY KEY,
	preorder_hash BLOB NOT NULL,
	namespace     INTEGER NOT NULL,
	block_number  INTEGER NOT NULL,
	consumed      INTEGER,
	record        BLOB NOT NULL
);
-- Pending preorders are found by hash in memory (index.go).
CREATE INDEX IF NOT EXISTS preorders_by_block ON preorders (block_number);
CREATE INDEX IF NOT EXISTS preorders_by_consumed ON preorders (consumed) WHERE consumed IS NOT NULL;

CREATE TABLE IF NOT EXISTS namespaces (
	namespace_id TEXT PRIMARY KEY,
	record       BLOB NOT NULL
) WITHOUT ROWID;
-- Every state of every namespace, in the order written (id).
CREATE TABLE IF NOT EXISTS namespace_history (
	id           INTEGER PRIMARY KEY,
	namespace_id TEXT NOT NULL,
	height       INTEGER NOT NULL,
	record       BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS namespace_history_by_height ON namespace_history (height);

-- The whitelist: every zone-file hash made valid on chain, in chain order
-- (PROTOCOL.md §9.1). inv_index starts at 1.
CREATE TABLE IF NOT EXISTS whitelist (
	inv_index INTEGER PRIMARY KEY,
	hash      BLOB NOT NULL,
	name      TEXT NOT NULL,
	txid      TEXT NOT NULL,
	height    INTEGER NOT NULL,
	vtxindex  INTEGER NOT NULL
);
-- Whether a hash is whitelisted is answered in memory (index.go).
CREATE INDEX IF NOT EXISTS whitelist_by_height ON whitelist (height);

-- Accepted operations as the API shows them, and refused ones with the reason.
CREATE TABLE IF NOT EXISTS ops (
	height   INTEGER NOT NULL,
	vtxindex INTEGER NOT NULL,
	txid     TEXT NOT NULL,
	opcode   TEXT NOT NULL,
	record   BLOB NOT NULL,
	PRIMARY KEY (height, vtxindex)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ops_by_txid ON ops (txid);
CREATE TABLE IF NOT EXISTS rejections (
	height   INTEGER NOT NULL,
	vtxindex INTEGER NOT NULL,
	txid     TEXT NOT NULL,
	opcode   TEXT NOT NULL,
	code     TEXT NOT NULL,
	reason   TEXT NOT NULL,
	PRIMARY KEY (height, vtxindex)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rejections_by_txid ON rejections (txid);
`
