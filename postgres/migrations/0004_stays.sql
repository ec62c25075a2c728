-- Stays: each animal's visits in date order with consecutive visits to one
-- zoo merged, kept as rows beside the visits by every write of visits, in
-- its transaction (docs/stays.md). The rows are made by package staysql,
-- which the program runs for the visits there are right after this
-- migration, in the same transaction (backfills in postgres.go).
--
-- until is NULL while the animal is still there. lvl sorts stays by length
-- (4^lvl to 4^(lvl+1)-1 days; 99 while open), so that the stays covering a
-- day are a short range of since per level.
CREATE TABLE stays (
	animal_id bigint NOT NULL,
	since     date NOT NULL,
	until     date,
	zoo_id    bigint NOT NULL,
	visits    integer NOT NULL,
	lvl       smallint NOT NULL,
	CONSTRAINT stays_pkey PRIMARY KEY (animal_id, since),
	-- A stay exists only while its visits do: the store maps a delete that
	-- these refuse as it maps those of visits.
	CONSTRAINT stays_animal_fkey FOREIGN KEY (animal_id) REFERENCES animals (id),
	CONSTRAINT stays_zoo_fkey FOREIGN KEY (zoo_id) REFERENCES zoos (id),
	CONSTRAINT stays_visits_check CHECK (visits > 0)
);

-- Who was at a zoo on a day or in a window: per level a range of since.
-- Also serves the zoo foreign key.
CREATE INDEX stays_zoo_level_idx ON stays (zoo_id, lvl, since, animal_id, until);
