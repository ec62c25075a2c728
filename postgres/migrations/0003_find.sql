-- Finding records: keys derived from each zoo's and animal's text, written
-- by the same transaction as the record. The keys are made in Go (package
-- textkey) so that every store shares the rules; this migration adds the
-- columns and tables, and the program fills them for the rows there are
-- (backfills in postgres.go) in the same transaction.
--
-- name_key is the Unicode collation key of the name: bytea compares byte
-- by byte, so the order of the keys is name order whatever the database's
-- collation. species_key is the case-folded species, compared by code
-- point (COLLATE "C"). Each default only fills the existing rows until the
-- backfill rewrites them; dropped at once, so that a write that forgets a
-- key fails instead of storing an empty one.
ALTER TABLE zoos ADD COLUMN name_key bytea NOT NULL DEFAULT '';
ALTER TABLE zoos ALTER COLUMN name_key DROP DEFAULT;
ALTER TABLE animals ADD COLUMN name_key bytea NOT NULL DEFAULT '',
	ADD COLUMN species_key text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE animals ALTER COLUMN name_key DROP DEFAULT, ALTER COLUMN species_key DROP DEFAULT;

-- Name order, both ways, paged by (name_key, id); a species in name order.
CREATE INDEX zoos_name_key_id_idx ON zoos (name_key, id);
CREATE INDEX animals_name_key_id_idx ON animals (name_key, id);
CREATE INDEX animals_species_key_idx ON animals (species_key, name_key, id);

-- The folded words of each record's text, as bytea so that a prefix is a
-- range in byte order: [prefix, prefix || '\xff'). The primary key finds
-- the records of a prefix; the second index the words of one record (and
-- serves the foreign key when a record is deleted).
CREATE TABLE zoo_words (
	word   bytea NOT NULL,
	zoo_id bigint NOT NULL,
	CONSTRAINT zoo_words_pkey PRIMARY KEY (word, zoo_id),
	CONSTRAINT zoo_words_zoo_fkey FOREIGN KEY (zoo_id) REFERENCES zoos (id)
);
CREATE INDEX zoo_words_zoo_word_idx ON zoo_words (zoo_id, word);

CREATE TABLE animal_words (
	word      bytea NOT NULL,
	animal_id bigint NOT NULL,
	CONSTRAINT animal_words_pkey PRIMARY KEY (word, animal_id),
	CONSTRAINT animal_words_animal_fkey FOREIGN KEY (animal_id) REFERENCES animals (id)
);
CREATE INDEX animal_words_animal_word_idx ON animal_words (animal_id, word);

-- All visits by date, oldest or newest first, paged by (date, id).
CREATE INDEX visits_date_id_idx ON visits (date, id);
