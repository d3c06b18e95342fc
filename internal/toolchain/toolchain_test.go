package toolchain

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"compatbuild/internal/target"
)

// fakeEnv is a machine with the given variables and programs on PATH and
// files present.
func fakeEnv(vars map[string]string, programs []string, files []string) Env {
	return Env{
		Getenv: func(k string) string { return vars[k] },
		LookPath: func(name string) (string, error) {
			for _, p := range programs {
				if p == name {
					return "/usr/bin/" + name, nil
				}
			}
			return "", errors.New("not found")
		},
		Exists: func(p string) bool {
			for _, f := range files {
				if f == p {
					return true
				}
			}
			return false
		},
	}
}

func TestCompilerSearchOrder(t *testing.T) {
	arm64, _ := target.Parse("aarch64-linux-gnu")
	armhf, _ := target.Parse("armhf")
	clangFiles := []string{"/usr/aarch64-linux-gnu/include/stdio.h", "/usr/lib/gcc-cross/aarch64-linux-gnu"}
	for _, tc := range []struct {
		name     string
		tg       target.Target
		cxx      bool
		vars     map[string]string
		programs []string
		files    []string
		want     []string
	}{
		{"debian cross gcc", arm64, false, nil, []string{"aarch64-linux-gnu-gcc", "gcc"}, nil, []string{"/usr/bin/aarch64-linux-gnu-gcc"}},
		{"debian cross g++", arm64, true, nil, []string{"aarch64-linux-gnu-g++"}, nil, []string{"/usr/bin/aarch64-linux-gnu-g++"}},
		{"cc crate variable wins", arm64, false, map[string]string{"CC_aarch64_unknown_linux_gnu": "my-cc -O1"}, []string{"aarch64-linux-gnu-gcc"}, nil, []string{"my-cc", "-O1"}},
		{"cc crate variable with dashes", arm64, false, map[string]string{"CC_aarch64-unknown-linux-gnu": "my-cc"}, nil, nil, []string{"my-cc"}},
		{"GNU triple variable", armhf, false, map[string]string{"CC_arm_linux_gnueabihf": "clang"}, nil, nil, []string{"clang", "--target=arm-linux-gnueabihf"}},
		{"native CC is not a cross compiler", arm64, false, map[string]string{"CC": "gcc"}, []string{"aarch64-linux-gnu-gcc", "gcc"}, nil, []string{"/usr/bin/aarch64-linux-gnu-gcc"}},
		{"CC naming the triple", arm64, false, map[string]string{"CC": "ccache aarch64-linux-gnu-gcc-12"}, nil, nil, []string{"ccache", "aarch64-linux-gnu-gcc-12"}},
		{"CC=clang gets the target", arm64, false, map[string]string{"CC": "clang-14"}, nil, nil, []string{"clang-14", "--target=aarch64-linux-gnu"}},
		{"clang keeps its own target", arm64, false, map[string]string{"CC": "clang -target aarch64-linux-gnu"}, nil, nil, []string{"clang", "-target", "aarch64-linux-gnu"}},
		{"compatbuild env's compiler for this target", arm64, false, map[string]string{"COMPATBUILD_CC": "x-cc", "COMPATBUILD_TARGET": "aarch64-linux-gnu"}, nil, nil, []string{"x-cc"}},
		{"compatbuild env's compiler for another target is skipped", arm64, false, map[string]string{"COMPATBUILD_CC": "gcc"}, []string{"aarch64-linux-gnu-gcc"}, nil, []string{"/usr/bin/aarch64-linux-gnu-gcc"}},
		{"wrappers are skipped", arm64, false, map[string]string{"CC": "/x/compatbuild-aarch64-linux-gnu-cc-2.17"}, []string{"aarch64-linux-gnu-gcc"}, nil, []string{"/usr/bin/aarch64-linux-gnu-gcc"}},
		{"COMPATBUILD_CC is taken as given: the driver refuses a loop", arm64, false, map[string]string{"COMPATBUILD_CC": "ccache /x/compatbuild-aarch64-linux-gnu-cc-2.17", "COMPATBUILD_TARGET": "arm64"}, []string{"aarch64-linux-gnu-gcc"}, nil, []string{"ccache", "/x/compatbuild-aarch64-linux-gnu-cc-2.17"}},
		{"a launcher in front of a wrapper is skipped", arm64, false, map[string]string{"CC_aarch64_unknown_linux_gnu": "ccache /x/compatbuild-aarch64-linux-gnu-cc-2.17"}, []string{"aarch64-linux-gnu-gcc"}, nil, []string{"/usr/bin/aarch64-linux-gnu-gcc"}},
		{"clang with the cross headers", arm64, false, nil, []string{"clang"}, clangFiles, []string{"/usr/bin/clang", "--target=aarch64-linux-gnu"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Compiler(tc.tg, tc.cxx, fakeEnv(tc.vars, tc.programs, tc.files))
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Compiler = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestCompilerRefusalNamesPackages(t *testing.T) {
	ppc, _ := target.Parse("ppc64el")
	_, err := Compiler(ppc, false, fakeEnv(nil, []string{"gcc"}, nil))
	if err == nil || !strings.Contains(err.Error(), "apt-get install gcc-powerpc64le-linux-gnu") || !strings.Contains(err.Error(), "CC_powerpc64le_unknown_linux_gnu") {
		t.Errorf("error %v should name gcc-powerpc64le-linux-gnu and the variable", err)
	}
	_, err = Compiler(ppc, true, fakeEnv(nil, []string{"clang++"}, nil))
	if err == nil || !strings.Contains(err.Error(), "g++-powerpc64le-linux-gnu") || !strings.Contains(err.Error(), "libc6-dev-ppc64el-cross libgcc-12-dev-ppc64el-cross") {
		t.Errorf("error %v should name g++-powerpc64le-linux-gnu and clang's packages", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
}
