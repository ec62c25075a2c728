//go:build !linux

package cli

// echoOff leaves echo to term.ReadPassword where there is no Linux ioctl
// to turn it off before the prompt.
func echoOff(int) error { return nil }
