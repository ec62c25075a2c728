-- Zoos, animals and the visits that join them. The relationship lives only
-- in visits. IDs use AUTOINCREMENT so that a deleted ID is never handed out
-- again, and an imported ID moves the sequence past it.
--
-- The CHECKs repeat the domain's rules as a last line of defence; the Go
-- code validates first and gives the better message. length() counts code
-- points. A date is 'YYYY-MM-DD' and a real calendar date: date() normalises
-- 2023-02-30 to 2023-03-02, so a date that does not survive it is refused.

CREATE TABLE zoos (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	name     TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	location TEXT NOT NULL CHECK (length(location) BETWEEN 1 AND 200)
) STRICT;

CREATE TABLE animals (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	name    TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	species TEXT NOT NULL CHECK (length(species) BETWEEN 1 AND 200)
) STRICT;

CREATE TABLE visits (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	date      TEXT NOT NULL CHECK (
		date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
		AND date >= '0001-01-01'
		AND date(date) IS date
	),
	zoo_id    INTEGER NOT NULL REFERENCES zoos (id),
	animal_id INTEGER NOT NULL REFERENCES animals (id)
) STRICT;

-- An animal is at one zoo per date. This index also answers an animal's
-- visits in (date, id) order: the date is unique per animal and every index
-- ends with the rowid.
CREATE UNIQUE INDEX visits_animal_date ON visits (animal_id, date);

-- A zoo's visits and animals in (date, id) order, covering: the listing
-- never touches the visits table.
CREATE INDEX visits_zoo_date ON visits (zoo_id, date, id, animal_id);

-- "Is there an earlier visit of this animal to this zoo in the window?",
-- the test behind every distinct listing: one seek per entry.
CREATE INDEX visits_animal_zoo ON visits (animal_id, zoo_id, date);
