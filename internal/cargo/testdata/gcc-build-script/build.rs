// A build script that runs gcc by name: the shared library it writes into
// OUT_DIR never sees compatbuild's wrappers, so only the output check
// after the build can tell that it needs this machine's glibc.
use std::{env, fs, path::Path, process::Command};

fn main() {
    let out = env::var("OUT_DIR").unwrap();
    let src = Path::new(&out).join("side.c");
    fs::write(&src, "#include <sys/stat.h>\nint side(void) { struct stat st; return stat(\"/\", &st); }\n").unwrap();
    let status = Command::new("gcc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(Path::new(&out).join("libside.so"))
        .arg(&src)
        .status()
        .unwrap();
    assert!(status.success());
}
