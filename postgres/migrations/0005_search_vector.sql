-- Search through a tsvector per record under a GIN index, instead of the
-- words tables: the index intersects the records of every word's prefix
-- itself, where the words' B-tree found the candidates of one word and
-- checked each other word with one seek per candidate (a two-word search
-- of common prefixes cost 26 times a lookup by ID at 100,000 animals).
--
-- search holds the record's folded words (package textkey) as lexemes,
-- as they are: no parser, no dictionary, no positions. A tsquery prefix
-- ('w':*) compares lexemes byte by byte, as the words' bytea ranges did.
-- A lexeme is at most 2047 bytes: a longer word (a name of 200 squared
-- CJK compatibility characters folds to up to 3,600 bytes) keeps its
-- longest prefix of whole characters that fits, which matches every
-- search word it matched, since no search word that fits is longer.
--
-- Every write fills search from the words it computes in Go; the rows
-- there are get theirs from the words tables, which then go. The default
-- only fills the existing rows until the UPDATE rewrites them; dropped at
-- once, so that a write that forgets search fails.
ALTER TABLE zoos ADD COLUMN search tsvector NOT NULL DEFAULT '';
ALTER TABLE zoos ALTER COLUMN search DROP DEFAULT;
ALTER TABLE animals ADD COLUMN search tsvector NOT NULL DEFAULT '';
ALTER TABLE animals ALTER COLUMN search DROP DEFAULT;

-- Each word as its lexeme: the word, or if longer than 2047 bytes its
-- longest prefix of whole characters that fits (as the program makes them).
UPDATE zoos SET search = coalesce((SELECT array_to_tsvector(array_agg(CASE WHEN octet_length(w) <= 2047 THEN w ELSE
		(SELECT left(w, n) FROM generate_series(2047, 1, -1) AS n WHERE octet_length(left(w, n)) <= 2047 LIMIT 1) END))
	FROM zoo_words, convert_from(word, 'UTF8') AS w WHERE zoo_id = zoos.id), '');
UPDATE animals SET search = coalesce((SELECT array_to_tsvector(array_agg(CASE WHEN octet_length(w) <= 2047 THEN w ELSE
		(SELECT left(w, n) FROM generate_series(2047, 1, -1) AS n WHERE octet_length(left(w, n)) <= 2047 LIMIT 1) END))
	FROM animal_words, convert_from(word, 'UTF8') AS w WHERE animal_id = animals.id), '');

-- Built once the rows are filled, in one pass. A write adds its lexemes to
-- the index's pending list, which every search reads through, until the
-- list outgrows gin_pending_list_limit and is merged into the index (or
-- vacuum merges it). At the server's default limit, 4 MB, the pending
-- list an import of 100,000 animals leaves made a two-word search take
-- 6.1 ms instead of 0.8 ms until the next vacuum; at 64 kB, the least
-- allowed, the list stays a few pages and the import is as fast (merging
-- in batches), where fastupdate = off (no list) made it 2.2 s slower.
CREATE INDEX zoos_search_idx ON zoos USING gin (search) WITH (gin_pending_list_limit = 64);
CREATE INDEX animals_search_idx ON animals USING gin (search) WITH (gin_pending_list_limit = 64);

DROP TABLE zoo_words, animal_words;
