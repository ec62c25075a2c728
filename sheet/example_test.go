package sheet_test

import (
	"bytes"
	"fmt"
	"os"

	"github.com/xuri/excelize/v2"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sheet"
)

// Write a listing as CSV: the header is the items' JSON fields, in order.
func ExampleWriteAll() {
	visits := func(yield func(zootour.Visit, error) bool) {
		for _, v := range []zootour.Visit{
			{ID: 1, Date: zootour.MustDate("2024-03-01"), ZooID: 7, AnimalID: 3},
			{ID: 2, Date: zootour.MustDate("2024-09-15"), ZooID: 9, AnimalID: 3},
		} {
			if !yield(v, nil) {
				return
			}
		}
	}
	if err := sheet.WriteAll(sheet.NewCSV(os.Stdout), sheet.For[zootour.Visit](), visits); err != nil {
		panic(err)
	}
	// Output:
	// id,date,zoo_id,animal_id
	// 1,2024-03-01,7,3
	// 2,2024-09-15,9,3
}

// Write a workbook of two sheets, each streamed: integers as numbers,
// dates as dates, the header frozen.
func ExampleWorkbook() {
	wb := sheet.NewWorkbook()
	defer wb.Close()
	zoos, err := wb.Sheet("zoos")
	if err != nil {
		panic(err)
	}
	zoos.Header([]string{"id", "name"})
	zoos.Row([]sheet.Cell{sheet.IntCell(1), sheet.TextCell("Artis")})
	visits, err := wb.Sheet("visits")
	if err != nil {
		panic(err)
	}
	visits.Header([]string{"id", "date"})
	visits.Row([]sheet.Cell{sheet.IntCell(1), sheet.DateCell(zootour.MustDate("2024-03-01"))})
	var b bytes.Buffer
	if _, err := wb.WriteTo(&b); err != nil {
		panic(err)
	}
	// Read back, as a spreadsheet shows it.
	f, err := excelize.OpenReader(&b)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	date, _ := f.GetCellValue("visits", "B2")
	fmt.Println(f.GetSheetList(), date)
	// Output: [zoos visits] 2024-03-01
}
