package buildenv

import "testing"

func TestGoStaticFlag(t *testing.T) {
	for _, tc := range []struct {
		args              []string
		goflags, cgo      string
		wantFlag, wantWhr string
	}{
		{args: []string{"-ldflags", `-linkmode external -extldflags "-static"`, "."}, wantFlag: "-static", wantWhr: `the go command's -ldflags '-linkmode external -extldflags "-static"'`},
		{args: []string{"-ldflags=-extldflags=-static", "."}, wantFlag: "-static", wantWhr: "the go command's -ldflags -extldflags=-static"},
		{args: []string{"--ldflags", "-s -w -extldflags '-static-pie -lm'"}, wantFlag: "-static-pie"},
		{args: []string{"-ldflags=main=-extldflags -static"}, wantFlag: "-static"},
		{goflags: "-trimpath -ldflags=-extldflags=-static", wantFlag: "-static", wantWhr: "GOFLAGS -ldflags -extldflags=-static"},
		{cgo: "-L/opt/lib -static", wantFlag: "-static", wantWhr: "CGO_LDFLAGS"},
		{args: []string{"-ldflags", "-s -w", "-tags", "static"}},
		{args: []string{"-ldflags", "-X main.mode=-static"}},
		{args: []string{"-ldflags", "-extldflags -static-libgcc"}},
		{cgo: "-static-libstdc++"},
		{args: []string{"--", "-ldflags=-extldflags=-static"}},
	} {
		flag, where := GoStaticFlag(tc.args, tc.goflags, tc.cgo)
		if flag != tc.wantFlag || (tc.wantWhr != "" && where != tc.wantWhr) {
			t.Errorf("%q %q %q: got %q at %q, want %q at %q", tc.args, tc.goflags, tc.cgo, flag, where, tc.wantFlag, tc.wantWhr)
		}
	}
}
