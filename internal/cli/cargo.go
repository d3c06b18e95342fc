package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"compatbuild/internal/cargo"
)

const cargoHelp = `
Runs cargo so that what it builds loads on the given glibc and later:

- the crates built for x86_64-unknown-linux-gnu link through compatbuild
  (-C linker=compatbuild-cc-X.Y, added to the target's rustflags, merged
  with your RUSTFLAGS or config rustflags), and every link is checked;
- C and C++ code that build scripts compile with the cc crate uses the
  compatbuild wrappers (CC_x86_64_unknown_linux_gnu, CXX_...);
- build scripts and proc-macros, which run here, build for this machine
  as usual.

compatbuild always passes --target x86_64-unknown-linux-gnu, so artifacts
land in target/x86_64-unknown-linux-gnu/<profile>/. After 'cargo build'
and 'cargo rustc' it prints the glibc floor of each executable and shared
library built and exits 1 if any is above the floor.

The floor, first found wins:
  --glibc X.Y                                     anywhere before --
  --target x86_64-unknown-linux-gnu.X.Y           (as with cargo-zigbuild)
  COMPATBUILD_GLIBC=X.Y
  [package.metadata.compatbuild] glibc = "X.Y"    in Cargo.toml
  [workspace.metadata.compatbuild] glibc = "X.Y"  in the workspace root
Without one, compatbuild refuses to build rather than build for this host.
Commands that build nothing (clean, update, tree, ...) run as plain cargo.

Other targets: --target aarch64-unknown-linux-gnu (or i686-, armv7-...-
gnueabihf, powerpc64le-, s390x-, riscv64gc-unknown-linux-gnu), with the
floor appended or from any of the places above, links through
compatbuild-<triple>-cc-X.Y with your cross compiler (see 'compatbuild cc
--help'). The toolchain must have that target's standard library ('rustup
target add aarch64-unknown-linux-gnu'); without it compatbuild says so
before cargo starts.

After a command that builds, every ELF executable and shared library written
under the working directory is checked too (in cargo's target directory,
the target's build scripts' OUT_DIRs): one that did not link through
compatbuild (a build script running gcc by name) and needs a newer glibc
than the floor fails the command. --scan-skip PATTERN (repeatable) leaves
files out, --no-scan turns the check off; both anywhere before --.

Examples:
  compatbuild cargo build --release --glibc 2.17
  compatbuild cargo build --release --target x86_64-unknown-linux-gnu.2.17
  compatbuild cargo build --release --target aarch64-unknown-linux-gnu.2.17
  COMPATBUILD_GLIBC=2.28 compatbuild cargo test
  compatbuild cargo build --release    # floor from [package.metadata.compatbuild]`

func runCargo(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
		fmt.Fprintf(stdout, "Usage: compatbuild cargo [--glibc X.Y] [--no-scan] [--scan-skip PATTERN] CARGO-COMMAND [CARGO-ARGS...]\n\n%s\n", strings.TrimSpace(cargoHelp))
		return ExitOK
	}
	code, err := cargo.Run(context.Background(), cargo.Options{Args: args, Stdout: stdout, Stderr: stderr})
	if err != nil {
		var e *cargo.Error
		if errors.As(err, &e) {
			code = e.Code
		}
		fmt.Fprintf(stderr, "compatbuild: cargo: %v\n", err)
	}
	return code
}
