package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/csvio"
	"github.com/zootour/zootour/web"
)

// The CSV download of every visit (GET /api/visits?format=csv) against the
// command line's export of the data files (csvio.Export, which writes
// visits.csv and the two others), each in a child process of its own so
// that its peak memory is its own: a download streams a page at a time, so
// its peak should stay flat from 10^4 to 10^7 visits.

// download serves s with the real server on loopback and reads the whole
// CSV download of the visits as a client would, counting its rows.
func download(ctx context.Context, s zootour.Store) (int64, error) {
	svc := accounts.New(s)
	if _, err := svc.AddUser(ctx, "bench-viewer", zootour.Viewer, ""); err != nil && zootour.ErrorCode(err) != zootour.ECONFLICT {
		return 0, err
	}
	token, _, err := svc.AddToken(ctx, "bench-viewer", "download")
	if err != nil {
		return 0, err
	}
	srv := web.New(s, web.Config{Addr: "127.0.0.1:0", Logger: slog.New(slog.DiscardHandler), Stdout: io.Discard, Stderr: io.Discard})
	ln, err := srv.Listen()
	if err != nil {
		return 0, err
	}
	ctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	defer func() { stop(); <-served }()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+ln.Addr().String()+"/api/visits?format=csv", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("bench: the download answered %s", resp.Status)
	}
	// Rows are lines: no field of generated data holds a line break.
	var lines int64
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	buf := make([]byte, 64<<10)
	for {
		n, err := br.Read(buf)
		lines += int64(bytes.Count(buf[:n], []byte{'\n'}))
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	return lines - 1, nil // less the header
}

// exportCSV writes the data files of s into a new temporary folder, then
// removes it.
func exportCSV(ctx context.Context, s zootour.Store) (int64, error) {
	dir, err := os.MkdirTemp("", "zootour-bench-export-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	var c counter
	err = csvio.WriteDir(dir, func(dst zootour.Sink) error { return s.Export(ctx, tee{dst, &c}) })
	return c.visits, err
}

// tee counts the records on their way to the data files.
type tee struct {
	zootour.Sink
	c *counter
}

func (t tee) Visit(v zootour.Visit) error { t.c.visits++; return t.Sink.Visit(v) }

// measureDownload measures the rates and peak memory of the CSV download
// of every visit and of the export to CSV files, alternating, reps times.
func measureDownload(ctx context.Context, kind, where string, n, reps int, res *StoreResult) error {
	var downloads, exports []float64
	for range reps {
		for _, op := range []string{"download", "export-csv"} {
			cr, peak, err := inChild(ctx, childJob{Op: op, Store: kind, Where: where})
			if err != nil {
				return err
			}
			if cr.Visits != int64(n) {
				return fmt.Errorf("bench: %s gave %d visits, want %d", op, cr.Visits, n)
			}
			if op == "download" {
				downloads = append(downloads, float64(n)/cr.Seconds)
				res.DownloadPeak = max(res.DownloadPeak, peak)
			} else {
				exports = append(exports, float64(n)/cr.Seconds)
				res.CSVExportPeak = max(res.CSVExportPeak, peak)
			}
		}
	}
	res.DownloadRate, res.CSVExportRate = medianFloat(downloads), medianFloat(exports)
	return nil
}
