package cli

import "golang.org/x/sys/unix"

// echoOff stops the terminal fd from echoing before the prompt is shown,
// so that what is typed ahead of the prompt is not shown either
// (term.ReadPassword turns echo off only once it starts reading).
func echoOff(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Lflag &^= unix.ECHO
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}
