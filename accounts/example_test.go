package accounts_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/sqlite"
)

// Add a user, give it a token for a program, and find who a bearer token
// belongs to, as the API does for every request.
func ExampleService_AddToken() {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	svc := accounts.New(s)
	if _, err := svc.AddUser(ctx, "rina", zootour.Editor, "a long password"); err != nil {
		panic(err)
	}
	secret, _, err := svc.AddToken(ctx, "rina", "nightly import")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(secret, "zt_"))
	u, err := svc.Bearer(ctx, secret)
	if err != nil {
		panic(err)
	}
	fmt.Println(u.Name, u.Role)
	_, err = svc.Bearer(ctx, "zt_not-a-token")
	fmt.Println(zootour.ErrorCode(err) != "")
	// Output:
	// true
	// rina editor
	// true
}
