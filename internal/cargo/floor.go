package cargo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path"
	"slices"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/buildenv"
)

var minGlibc = abidb.MustParseVersion("2.17")

// parseFloor validates a declared floor; from names where it was declared.
func parseFloor(value, from string) (abidb.Version, error) {
	v, err := abidb.CheckTarget(strings.TrimSpace(value))
	if err != nil {
		return abidb.Version{}, fmt.Errorf("%s: %v", from, err)
	}
	if v.Less(minGlibc) {
		return abidb.Version{}, fmt.Errorf("%s: glibc %s: compatbuild links for glibc 2.17 to 2.44", from, v)
	}
	return v, nil
}

// Floor is the glibc release a build is for and where it was declared.
type Floor struct {
	Glibc abidb.Version
	From  string // "--glibc", "--target suffix", "COMPATBUILD_GLIBC", "package.metadata.compatbuild of foo", ...
}

// metadata is the part of 'cargo metadata --format-version 1' compatbuild
// reads.
type metadata struct {
	Packages []struct {
		Name     string          `json:"name"`
		ID       string          `json:"id"`
		Metadata json.RawMessage `json:"metadata"`
	} `json:"packages"`
	WorkspaceMembers        []string        `json:"workspace_members"`
	WorkspaceDefaultMembers []string        `json:"workspace_default_members"`
	WorkspaceMetadata       json.RawMessage `json:"metadata"`
	WorkspaceRoot           string          `json:"workspace_root"`
}

// compatbuildGlibc reads {"compatbuild": {"glibc": "2.17"}} out of a
// package's or the workspace's metadata table.
func compatbuildGlibc(raw json.RawMessage) (value string, present bool, err error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", false, nil
	}
	var table struct {
		Compatbuild *struct {
			Glibc json.RawMessage `json:"glibc"`
		} `json:"compatbuild"`
	}
	if err := json.Unmarshal(raw, &table); err != nil || table.Compatbuild == nil || len(table.Compatbuild.Glibc) == 0 {
		return "", false, nil
	}
	if err := json.Unmarshal(table.Compatbuild.Glibc, &value); err != nil {
		return "", true, fmt.Errorf("glibc must be a string such as \"2.17\", not %s", table.Compatbuild.Glibc)
	}
	return value, true, nil
}

// floorFromMetadata picks the floor declared in Cargo.toml for the
// packages being built: [package.metadata.compatbuild] of the selected
// packages (which must agree), else [workspace.metadata.compatbuild].
// found is false when neither declares one.
func floorFromMetadata(md *metadata, packages []string, workspace bool) (f Floor, found bool, err error) {
	selected := md.WorkspaceDefaultMembers
	if len(selected) == 0 || workspace {
		selected = md.WorkspaceMembers
	}
	members := map[string]bool{}
	for _, id := range md.WorkspaceMembers {
		members[id] = true
	}
	chosen := map[string]bool{}
	for _, id := range selected {
		chosen[id] = true
	}
	if len(packages) > 0 && !workspace {
		chosen = map[string]bool{}
		for _, p := range md.Packages {
			if members[p.ID] && matchesAny(p.Name, packages) {
				chosen[p.ID] = true
			}
		}
	}
	var declared []string // "name (2.17)"
	var value, from string
	for _, p := range md.Packages {
		if !chosen[p.ID] {
			continue
		}
		v, ok, err := compatbuildGlibc(p.Metadata)
		if err != nil {
			return Floor{}, false, fmt.Errorf("[package.metadata.compatbuild] of %s: %v", p.Name, err)
		}
		if !ok {
			continue
		}
		declared = append(declared, fmt.Sprintf("%s (%s)", p.Name, v))
		if value == "" {
			value, from = v, "[package.metadata.compatbuild] of "+p.Name
		} else if v != value {
			slices.Sort(declared)
			return Floor{}, false, fmt.Errorf("the packages being built declare different glibc floors: %s; build them one at a time with -p, or pass --glibc", strings.Join(declared, ", "))
		}
	}
	if value == "" {
		v, ok, err := compatbuildGlibc(md.WorkspaceMetadata)
		if err != nil {
			return Floor{}, false, fmt.Errorf("[workspace.metadata.compatbuild]: %v", err)
		}
		if !ok {
			return Floor{}, false, nil
		}
		value, from = v, "[workspace.metadata.compatbuild]"
	}
	g, err := parseFloor(value, from)
	if err != nil {
		return Floor{}, false, err
	}
	return Floor{Glibc: g, From: from}, true, nil
}

// matchesAny reports whether a package name matches one of cargo's -p
// specs: a name, name@version, or a glob pattern.
func matchesAny(name string, specs []string) bool {
	for _, s := range specs {
		s, _, _ = strings.Cut(s, "@")
		if s == name {
			return true
		}
		if ok, err := path.Match(s, name); err == nil && ok {
			return true
		}
	}
	return false
}

// ErrNoFloor says no floor was declared anywhere.
var ErrNoFloor = errors.New("no glibc floor given: pass --glibc X.Y (e.g. 2.17 for CentOS 7), use --target " + buildenv.RustTarget + ".2.17 (or another target's triple), set COMPATBUILD_GLIBC, or declare it in Cargo.toml as [package.metadata.compatbuild] glibc = \"2.17\"; compatbuild will not guess and build for the host")

// resolveFloor applies the precedence: --glibc or the --target suffix,
// then COMPATBUILD_GLIBC, then Cargo.toml metadata (read with readMeta
// only when needed).
func resolveFloor(inv *invocation, env string, readMeta func() (*metadata, error)) (Floor, error) {
	switch {
	case inv.glibc != "" && inv.targetGlibc != "":
		a, err := parseFloor(inv.glibc, "--glibc")
		if err != nil {
			return Floor{}, err
		}
		b, err := parseFloor(inv.targetGlibc, "--target "+inv.rustTarget()+"."+inv.targetGlibc)
		if err != nil {
			return Floor{}, err
		}
		if a != b {
			return Floor{}, fmt.Errorf("--glibc %s and --target %s.%s disagree: give the floor once", a, inv.rustTarget(), b)
		}
		return Floor{Glibc: a, From: "--glibc"}, nil
	case inv.glibc != "":
		g, err := parseFloor(inv.glibc, "--glibc")
		return Floor{Glibc: g, From: "--glibc"}, err
	case inv.targetGlibc != "":
		from := "--target " + inv.rustTarget() + "." + inv.targetGlibc
		g, err := parseFloor(inv.targetGlibc, from)
		return Floor{Glibc: g, From: from}, err
	case env != "":
		g, err := parseFloor(env, "COMPATBUILD_GLIBC")
		return Floor{Glibc: g, From: "COMPATBUILD_GLIBC"}, err
	}
	md, err := readMeta()
	if err != nil {
		return Floor{}, err
	}
	f, found, err := floorFromMetadata(md, inv.packages, inv.workspace)
	if err != nil {
		return Floor{}, err
	}
	if !found {
		return Floor{}, ErrNoFloor
	}
	return f, nil
}

// readMetadata runs 'cargo metadata --no-deps --offline' for the manifest
// the command builds.
func readMetadata(ctx context.Context, cargo, dir string, inv *invocation) (*metadata, error) {
	var args []string
	if inv.toolchain != "" {
		args = append(args, inv.toolchain)
	}
	for _, c := range inv.configs {
		args = append(args, "--config", c)
	}
	args = append(args, "metadata", "--format-version", "1", "--no-deps", "--offline")
	if inv.manifestPath != "" {
		args = append(args, "--manifest-path", inv.manifestPath)
	}
	cmd := exec.CommandContext(ctx, cargo, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		// cargo's own words, whole: a manifest error is several lines
		// (the file, the line, a caret under the mistake, the cause).
		msg := strings.TrimRight(stderr.String(), "\n")
		if strings.TrimSpace(msg) == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("reading the glibc floor from Cargo.toml with 'cargo metadata' failed (pass --glibc X.Y to skip it); cargo said:\n%s", msg)
	}
	var md metadata
	if err := json.Unmarshal(out, &md); err != nil {
		return nil, fmt.Errorf("reading 'cargo metadata' output: %v", err)
	}
	return &md, nil
}
