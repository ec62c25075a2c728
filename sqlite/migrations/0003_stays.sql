-- Stays: each animal's visits in date order with consecutive visits to one
-- zoo merged, kept as rows beside the visits by every write of visits, in
-- its transaction (docs/stays.md). The rows are made by package staysql,
-- which the program runs for the visits there are right after this
-- migration (backfills in migrate.go).
--
-- since and until are 'YYYY-MM-DD' like visits.date; until is NULL while
-- the animal is still there. lvl sorts stays by length (4^lvl to
-- 4^(lvl+1)-1 days; 99 while open), so that the stays covering a day are a
-- short range of since per level.
CREATE TABLE stays (
	animal_id INTEGER NOT NULL REFERENCES animals (id),
	since     TEXT NOT NULL,
	until     TEXT,
	zoo_id    INTEGER NOT NULL REFERENCES zoos (id),
	visits    INTEGER NOT NULL CHECK (visits > 0),
	lvl       INTEGER NOT NULL,
	PRIMARY KEY (animal_id, since)
) STRICT, WITHOUT ROWID;

-- Who was at a zoo on a day or in a window: per level a range of since.
CREATE INDEX stays_zoo_level ON stays (zoo_id, lvl, since, animal_id, until);
