package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// examples are the Examples of each command's help, by command path, in
// one place so that a test can check every command has some and that
// they name real commands and flags.
var examples = map[string]string{
	"zootour": `zootour zoo add --name Artis --location Amsterdam
zootour --db postgres://zoo@db.example.org/zootour zoo list
ZOOTOUR_DB=memory: zootour generate data`,
	"zootour help": `zootour help visit add`,

	"zootour serve": `zootour serve
zootour serve --addr 0.0.0.0:8080 --base-url https://zoo.example.org
zootour serve --public-read --tls-cert cert.pem --tls-key key.pem
zootour serve --max-upload 256
zootour --db postgres://db1.example.org/zootour --db-read postgres://db2.example.org/zootour serve
zootour --db postgres://db.example.org/registry --db-partitions 16 serve`,
	"zootour import": `zootour import data
zootour import data.zip
zootour import --check registry.xlsx
zootour --db postgres://zoo@db.example.org/zootour import data`,
	"zootour export": `zootour export backup
zootour export backup --force
zootour export registry.xlsx`,
	"zootour generate": `zootour generate data
zootour generate data --zoos 10 --animals 50 --visits 500 --seed 7 --force`,

	"zootour zoo": `zootour zoo add --name Artis --location Amsterdam
zootour zoo animals 1 --distinct`,
	"zootour zoo add": `zootour zoo add --name Artis --location "Amsterdam, NL"`,
	"zootour zoo list": `zootour zoo list
zootour zoo list --search art --sort name --json`,
	"zootour zoo show": `zootour zoo show 1`,
	"zootour zoo edit": `zootour zoo edit 1 --location Amsterdam`,
	"zootour zoo rm": `zootour zoo rm 1
zootour zoo rm 1 --cascade`,
	"zootour zoo visits": `zootour zoo visits 1
zootour zoo visits 1 --from 2024-01-01 --to 2024-12-31`,
	"zootour zoo animals": `zootour zoo animals 1
zootour zoo animals 1 --distinct --from 2024-01-01`,
	"zootour zoo present": `zootour zoo present 1
zootour zoo present 1 --on 2024-03-01
zootour zoo present 1 --from 2024-01-01 --to 2024-01-31`,

	"zootour animal": `zootour animal add --name Ruby --species "red panda"
zootour animal itinerary 1`,
	"zootour animal add": `zootour animal add --name Ruby --species "red panda"`,
	"zootour animal list": `zootour animal list
zootour animal list --species "red panda" --sort name`,
	"zootour animal show": `zootour animal show 1`,
	"zootour animal edit": `zootour animal edit 1 --name "Ruby II"`,
	"zootour animal rm": `zootour animal rm 1
zootour animal rm 1 --cascade`,
	"zootour animal visits": `zootour animal visits 1
zootour animal visits 1 --from 2024-01-01`,
	"zootour animal zoos": `zootour animal zoos 1
zootour animal zoos 1 --distinct`,
	"zootour animal itinerary": `zootour animal itinerary 1`,
	"zootour animal where": `zootour animal where 1
zootour animal where 1 --on 2024-03-01 --json`,
	"zootour animal contacts": `zootour animal contacts 1
zootour animal contacts 1 --from 2024-01-01 --to 2024-06-30`,

	"zootour visit": `zootour visit add --date 2024-03-01 --zoo 1 --animal 1
zootour visit list --zoo 1`,
	"zootour visit add": `zootour visit add --date 2024-03-01 --zoo 1 --animal 1`,
	"zootour visit list": `zootour visit list
zootour visit list --animal 1 --from 2024-01-01 --sort date`,
	"zootour visit show": `zootour visit show 1`,
	"zootour visit rm":   `zootour visit rm 1`,

	"zootour census": `zootour census
zootour census --on 2024-03-01 --json`,
	"zootour check": `zootour check
zootour check --repair`,

	"zootour user": `zootour user add alice --role admin
zootour user list`,
	"zootour user add": `zootour user add alice --role admin
printf '%s\n' "$PASSWORD" | zootour user add bob --role editor --password-stdin`,
	"zootour user list": `zootour user list --json`,
	"zootour user edit": `zootour user edit bob --role viewer
zootour user edit bob --password`,
	"zootour user rm": `zootour user rm bob`,

	"zootour token": `zootour token add --user alice --label backup
zootour token list`,
	"zootour token add":  `TOKEN=$(zootour token add --user alice --label "nightly backup")`,
	"zootour token list": `zootour token list --user alice`,
	"zootour token rm":   `zootour token rm 3`,

	"zootour history": `zootour history --limit 20
zootour history --kind zoo --id 1
zootour history --actor alice --from 2024-01-01`,
	"zootour revert": `zootour revert 42`,
}

// addExamples sets the Example of root and of every command under it,
// indented as cobra's help shows examples.
func addExamples(root *cobra.Command) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if ex, ok := examples[c.CommandPath()]; ok {
			c.Example = "  " + strings.ReplaceAll(ex, "\n", "\n  ")
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
