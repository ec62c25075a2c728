//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package csvio

import (
	"errors"
	"os"
	"syscall"

	"github.com/zootour/zootour"
)

// lockDir takes an exclusive advisory lock on the folder dir, which an
// export holds while it writes there: two exports cannot mix their files,
// and a temporary file found under the lock was left by one that died
// (the lock goes with its process). locked is false, with no error, where
// the file system has no such locks.
func lockDir(dir string) (unlock func(), locked bool, err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, false, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	switch {
	case err == nil:
		return func() { f.Close() }, true, nil // closing releases the lock
	case errors.Is(err, syscall.EWOULDBLOCK):
		f.Close()
		return nil, false, zootour.Errorf(zootour.ECONFLICT, "another export is writing to %s; try again when it is done", dir)
	}
	f.Close()
	return func() {}, false, nil
}
