// Command gencatalogue writes docs/newer-symbols.md: every symbol glibc
// added after 2.17 (x86_64) with the catalogue's answer for older targets
// and the coverage numbers per library, from the embedded catalogue tables
// and the ABI database. TestNewerSymbolsDocIsCurrent fails when the
// committed file is stale.
//
//	go run ./gencatalogue -o ../../docs/newer-symbols.md   (from internal/libcompat, via go generate)
package main

import (
	"flag"
	"fmt"
	"os"

	"compatbuild/internal/libcompat"
)

func main() {
	out := flag.String("o", "", "output file")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gencatalogue: -o FILE is required")
		os.Exit(2)
	}
	doc, err := libcompat.NewerSymbolsDoc()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencatalogue:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, doc, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gencatalogue:", err)
		os.Exit(1)
	}
}
