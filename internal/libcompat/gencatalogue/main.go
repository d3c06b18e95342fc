// Command gencatalogue writes docs/newer-symbols.md: every symbol glibc
// added after 2.17 (x86_64) with the catalogue's answer for older targets
// and the coverage numbers per library, from the embedded catalogue tables
// and the ABI database; with -readme, also the coverage table in the
// README's marked section. TestNewerSymbolsDocIsCurrent fails when either
// committed file is stale.
//
//	go run ./gencatalogue -o ../../docs/newer-symbols.md -readme ../../README.md   (from internal/libcompat, via go generate)
package main

import (
	"flag"
	"fmt"
	"os"

	"compatbuild/internal/libcompat"
)

func main() {
	out := flag.String("o", "", "output file")
	readme := flag.String("readme", "", "README whose coverage section to update")
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
	if *readme != "" {
		data, err := os.ReadFile(*readme)
		if err == nil {
			data, err = libcompat.UpdateReadme(data)
		}
		if err == nil {
			err = os.WriteFile(*readme, data, 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "gencatalogue:", err)
			os.Exit(1)
		}
	}
}
