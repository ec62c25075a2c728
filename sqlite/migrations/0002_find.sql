-- Finding records (docs/finding.md): keys derived from each zoo's and
-- animal's text, written by the same transaction as the record. The keys
-- are made in Go (package textkey) so that SQLite and PostgreSQL share the
-- rules; the migration adds the columns and the program fills them for the
-- rows that exist (see backfill in migrate.go).
--
-- name_key is the Unicode collation key of the name: memcmp order of the
-- keys is name order. species_key is the case-folded species.

ALTER TABLE zoos ADD COLUMN name_key BLOB NOT NULL DEFAULT x'';
ALTER TABLE animals ADD COLUMN name_key BLOB NOT NULL DEFAULT x'';
ALTER TABLE animals ADD COLUMN species_key TEXT NOT NULL DEFAULT '';

CREATE INDEX zoos_name ON zoos (name_key, id);
CREATE INDEX animals_name ON animals (name_key, id);
CREATE INDEX animals_species ON animals (species_key, name_key, id);

-- The folded words of each record's text, as BLOBs so that a prefix is a
-- range in byte order: [prefix, prefix || x'FF'). The primary key finds the
-- records of a prefix; the second index, the words of one record.
CREATE TABLE zoo_words (
	word   BLOB NOT NULL,
	zoo_id INTEGER NOT NULL REFERENCES zoos (id),
	PRIMARY KEY (word, zoo_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX zoo_words_owner ON zoo_words (zoo_id, word);

CREATE TABLE animal_words (
	word      BLOB NOT NULL,
	animal_id INTEGER NOT NULL REFERENCES animals (id),
	PRIMARY KEY (word, animal_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX animal_words_owner ON animal_words (animal_id, word);

-- All visits newest first (and oldest first), paged by (date, id).
CREATE INDEX visits_date ON visits (date, id);
