package cli

import (
	"net"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/zootour/zootour"
)

// checksAddr makes c (serve) check its --addr before it opens the store:
// net.Listen refuses a bad port only as a failure to listen (exit 1),
// where it is bad input (exit 2) to be named as such.
func checksAddr(c *cobra.Command) *cobra.Command {
	c.PreRunE = func(cmd *cobra.Command, _ []string) error {
		if f := cmd.Flags().Lookup("addr"); f != nil {
			if err := checkAddr(f.Value.String()); err != nil {
				return cmdError{err}
			}
		}
		if f := cmd.Flags().Lookup("max-upload"); f != nil && f.Changed {
			if err := checkMaxUpload(f.Value.String()); err != nil {
				return cmdError{err}
			}
		}
		return nil
	}
	return c
}

// checkAddr refuses an address that is not HOST:PORT with PORT a number
// from 0 (any free port) to 65535.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return zootour.Errorf(zootour.EINVALID, "--addr %q is not HOST:PORT, such as 127.0.0.1:8080", addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return zootour.Errorf(zootour.EINVALID, "--addr %q: the port must be a number from 0 to 65535, not %q", addr, port)
	}
	return nil
}

// maxUploadMiB bounds --max-upload: an upload is kept on the server's disk
// until it is imported or expires.
const maxUploadMiB = 4096

// checkMaxUpload refuses a --max-upload that is not a whole number of MiB
// from 1 to maxUploadMiB.
func checkMaxUpload(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 || n > maxUploadMiB {
		return zootour.Errorf(zootour.EINVALID, "--max-upload must be a whole number of MiB from 1 to %d, not %q", maxUploadMiB, s)
	}
	return nil
}
