package bench

// Copies of the SQL the stores run for the relationship listings, for
// EXPLAIN: the stores keep theirs unexported. TestStoreSQLCopies checks that
// each copy still equals the store's constant of the same name, so a change
// in a store fails that test until the copy here follows it.

import "github.com/zootour/zootour"

// sqliteStoreSQL holds the constants of sqlite/relations.go by name.
var sqliteStoreSQL = map[string]string{
	"zooVisitsSQL": `SELECT id, date, zoo_id, animal_id FROM visits
WHERE zoo_id = ?1 AND (date, id) > (?2, ?3) AND date <= ?4
ORDER BY date, id LIMIT ?5`,
	"animalVisitsSQL": `SELECT id, date, zoo_id, animal_id FROM visits
WHERE animal_id = ?1 AND (date, id) > (?2, ?3) AND date <= ?4
ORDER BY date, id LIMIT ?5`,
	"zooAnimalsSQL": `SELECT v.id, v.date, a.id, a.name, a.species
FROM visits AS v JOIN animals AS a ON a.id = v.animal_id
WHERE v.zoo_id = ?1 AND (v.date, v.id) > (?2, ?3) AND v.date <= ?4`,
	"animalZoosSQL": `SELECT v.id, v.date, z.id, z.name, z.location
FROM visits AS v JOIN zoos AS z ON z.id = v.zoo_id
WHERE v.animal_id = ?1 AND (v.date, v.id) > (?2, ?3) AND v.date <= ?4`,
	"inOrderSQL": `
ORDER BY v.date, v.id LIMIT ?5`,
	"zooAnimalsGroupedSQL": `SELECT f.id, f.date, a.id, a.name, a.species
FROM (SELECT id, min(date) AS date, animal_id FROM visits
	WHERE zoo_id = ?1 AND date >= ?6 AND date <= ?4 GROUP BY animal_id) AS f
JOIN animals AS a ON a.id = f.animal_id
WHERE (f.date, f.id) > (?2, ?3)
ORDER BY f.date, f.id LIMIT ?5`,
	"animalZoosGroupedSQL": `SELECT f.id, f.date, z.id, z.name, z.location
FROM (SELECT id, min(date) AS date, zoo_id FROM visits
	WHERE animal_id = ?1 AND date >= ?6 AND date <= ?4 GROUP BY zoo_id) AS f
JOIN zoos AS z ON z.id = f.zoo_id
WHERE (f.date, f.id) > (?2, ?3)
ORDER BY f.date, f.id LIMIT ?5`,
}

// postgresStoreSQL holds the constants of postgres/relations.go by name.
var postgresStoreSQL = map[string]string{
	"zooVisitsSQL": `SELECT v.id, v.date, v.zoo_id, v.animal_id FROM visits v
WHERE v.zoo_id = $1 AND v.date BETWEEN $2 AND $3 AND (v.date, v.id) > ($4, $5)
ORDER BY v.date, v.id LIMIT $6`,
	"zooAnimalsSQL": `SELECT a.id, a.name, a.species, v.id, v.date FROM visits v JOIN animals a ON a.id = v.animal_id
WHERE v.zoo_id = $1 AND v.date BETWEEN $2 AND $3 AND (v.date, v.id) > ($4, $5)`,
	"zooOrderSQL": ` ORDER BY v.date, v.id LIMIT $6`,
	"animalVisitsSQL": `SELECT v.id, v.date, v.zoo_id, v.animal_id FROM visits v
WHERE v.animal_id = $1 AND v.date BETWEEN $2 AND $3 AND (v.date, v.id) > ($4, $5)
ORDER BY v.date LIMIT $6`,
	"animalZoosSQL": `SELECT z.id, z.name, z.location, v.id, v.date FROM visits v JOIN zoos z ON z.id = v.zoo_id
WHERE v.animal_id = $1 AND v.date BETWEEN $2 AND $3 AND (v.date, v.id) > ($4, $5)`,
	"animalOrderSQL": ` ORDER BY v.date LIMIT $6`,
	"firstVisitSQL": `
AND NOT EXISTS (SELECT 1 FROM visits w WHERE w.animal_id = v.animal_id AND w.zoo_id = v.zoo_id AND w.date >= $2 AND w.date < v.date)`,
}

// storeSQL returns the listing query a store runs for q about r, composed
// as the store composes it, and its parameters for the whole listing (no
// page position, no limit). Without a limit the SQLite store groups a
// distinct listing's window (the Grouped statements) instead of probing
// each visit, as it does for a page.
func storeSQL(dialect string, q Question, r Record) (string, []any) {
	zq := q.Query(r)
	from, to := zootour.MinDate, zootour.MaxDate
	if !zq.From.IsZero() {
		from, to = zq.From, zq.To
	}
	if dialect == "sqlite" {
		c := sqliteStoreSQL
		text := map[rel]string{
			zooVisits: c["zooVisitsSQL"], animalVisits: c["animalVisitsSQL"],
			zooAnimals: c["zooAnimalsSQL"], animalZoos: c["animalZoosSQL"],
		}[q.rel]
		args := []any{r.ID, from.String(), int64(0), to.String(), -1}
		switch {
		case q.Distinct && q.rel == zooAnimals:
			return c["zooAnimalsGroupedSQL"], append(args, from.String())
		case q.Distinct && q.rel == animalZoos:
			return c["animalZoosGroupedSQL"], append(args, from.String())
		case q.rel == zooAnimals || q.rel == animalZoos:
			text += c["inOrderSQL"]
		}
		return text, args
	}
	c := postgresStoreSQL
	var text string
	switch q.rel {
	case zooVisits:
		text = c["zooVisitsSQL"]
	case animalVisits:
		text = c["animalVisitsSQL"]
	case zooAnimals:
		text = c["zooAnimalsSQL"]
		if q.Distinct {
			text += c["firstVisitSQL"]
		}
		text += c["zooOrderSQL"]
	case animalZoos:
		text = c["animalZoosSQL"]
		if q.Distinct {
			text += c["firstVisitSQL"]
		}
		text += c["animalOrderSQL"]
	}
	return text, []any{r.ID, from, to, zootour.MinDate, int64(0), nil}
}
