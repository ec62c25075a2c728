package postgres_test

import (
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) zootour.Store { return open(t) })
}
