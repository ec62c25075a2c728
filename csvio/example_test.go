package csvio_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/csvio"
	"github.com/zootour/zootour/sqlite"
)

// Import a folder of data files, all or nothing; a bad row names its file
// and line, and changes nothing. A .zip or an .xlsx workbook imports the
// same way.
func ExampleImport() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "zootour-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			panic(err)
		}
	}
	write(csvio.ZoosFile, "id,name,location\n1,Artis,\"Amsterdam, NL\"\n")
	write(csvio.AnimalsFile, "id,name,species\n7,Ruby,red panda\n")
	write(csvio.VisitsFile, "id,date,zoo_id,animal_id\n1,2024-03-01,1,7\n2,2024-13-01,1,7\n")

	s, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	_, err = csvio.Import(ctx, s, dir, nil)
	fmt.Println(err)
	fmt.Println(zootour.ErrorCode(err))

	write(csvio.VisitsFile, "id,date,zoo_id,animal_id\n1,2024-03-01,1,7\n")
	added, err := csvio.Import(ctx, s, dir, nil)
	fmt.Println(added, err)
	// Output:
	// visits.csv line 3: date "2024-13-01" is not a calendar date between 0001-01-01 and 9999-12-31
	// invalid
	// {1 1 1} <nil>
}
