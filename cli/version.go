package cli

import (
	"runtime/debug"
	"strings"
)

// version describes the binary: the module's version, and the commit it
// was built from, which `go build` and `go install` in a checkout record
// (`go run` does not).
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var commit, at, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = " with changes not committed"
			}
		}
	}
	parts := []string{v}
	if commit != "" {
		parts = append(parts, "commit "+commit+dirty)
	}
	if at != "" {
		parts = append(parts, "of "+at)
	}
	return strings.Join(parts, ", ") + " (" + info.GoVersion + ")"
}
