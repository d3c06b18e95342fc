// Command compatbuild builds and checks Linux binaries and shared libraries
// that load on old glibc. See README.md, or run compatbuild --help.
package main

import (
	"os"

	"compatbuild/internal/cli"
)

func main() {
	os.Exit(cli.MainAs(os.Args[0], os.Args[1:], os.Stdout, os.Stderr))
}
