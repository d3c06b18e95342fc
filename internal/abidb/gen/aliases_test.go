package main

import (
	"fmt"
	"testing"
)

// The nearest-release rule: a release that was not read takes each name's
// object from the nearest release read that exports the name, restricted
// to the names it exports itself.
func TestAliasesAtNearestRelease(t *testing.T) {
	bit := func(r string) int { b, _ := releaseIndex(r); return b }
	m := func(s string, weak bool) aliasMember {
		return aliasMember{name: s, node: "V", weak: weak}
	}
	read := map[int][]aliasObject{
		// 2.31: a and b are one object; c is weak on its own.
		bit("2.31"): {{members: []aliasMember{m("a", true), m("b", false)}}, {members: []aliasMember{m("c", true)}}},
		// 2.36: a and b split (b now global on its own), c joins d.
		bit("2.36"): {{members: []aliasMember{m("a", true)}}, {members: []aliasMember{m("c", true), m("d", false)}}},
	}
	exports := func(names ...string) map[string]string {
		out := map[string]string{}
		for _, n := range names {
			out[n+"@V"] = "F"
		}
		return out
	}
	exportsOf := func(f int) map[string]string {
		if f == bit("2.31") {
			return exports("a", "b", "c")
		}
		return exports("a", "b", "c", "d")
	}
	readList := []int{bit("2.31"), bit("2.36")}
	for _, c := range []struct {
		release string
		exports []string
		want    string
	}{
		{"2.17", []string{"a", "b", "c"}, "[[a@V:weak b@V] [c@V:weak]]"},
		// Nearest is 2.31. d is only in 2.36, where it is c's other name, but
		// c is taken from 2.31 already: d stays a global name of its own.
		{"2.33", []string{"a", "b", "c", "d"}, "[[a@V:weak b@V] [c@V:weak]]"},
		{"2.34", []string{"a", "b", "c", "d"}, "[[a@V:weak] [c@V:weak d@V]]"}, // nearest 2.36
		{"2.44", []string{"a", "c"}, "[[a@V:weak] [c@V:weak]]"},               // restricted to what 2.44 exports
		{"2.30", []string{"b", "e"}, "[]"},                                    // b alone and global; e known nowhere
	} {
		got := fmt.Sprint(aliasesAt(bit(c.release), readList, read, exports(c.exports...), exportsOf))
		if got == "[]" && c.want == "[]" {
			continue
		}
		if got != c.want {
			t.Errorf("at %s exporting %v: %s, want %s", c.release, c.exports, got, c.want)
		}
	}
}
