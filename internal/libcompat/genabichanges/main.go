// Command genabichanges writes docs/abi-changes.md from the ABI-change
// table (catalogue/abichange.tsv). TestABIChangesDocIsCurrent fails when
// the committed file is stale.
//
//	go run ./genabichanges -o ../../docs/abi-changes.md   (from internal/libcompat, via go generate)
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
		fmt.Fprintln(os.Stderr, "genabichanges: -o FILE is required")
		os.Exit(2)
	}
	doc, err := libcompat.ABIChangesDoc()
	if err == nil {
		err = os.WriteFile(*out, doc, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genabichanges:", err)
		os.Exit(1)
	}
}
