-- Search (docs/finding.md) through SQLite's full-text index: FTS5 holds the
-- folded words of each zoo's and animal's text (package textkey folds them,
-- as before) under the record's ID as its rowid, and intersects the records
-- of every word's prefix inside the index, where the words' own B-tree
-- could only check a candidate at a time. The tokenizer takes every
-- character but white space and controls as part of a word, so that its
-- words are textkey's; prefix indexes make the short prefixes of a search
-- cheap. contentless: the words live in the records' own columns.
--
-- The program fills the index for the records there are (backfills in
-- migrate.go); the words tables it replaces go.
CREATE VIRTUAL TABLE zoo_text USING fts5(words, content='', contentless_delete=1,
	tokenize="unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co Cf'", prefix='1 2 3');
CREATE VIRTUAL TABLE animal_text USING fts5(words, content='', contentless_delete=1,
	tokenize="unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co Cf'", prefix='1 2 3');
DROP TABLE zoo_words;
DROP TABLE animal_words;
