// Compiles src/native.c with the cc crate, which takes its compiler from
// CC_x86_64_unknown_linux_gnu; the build script itself runs on the host.
fn main() {
    let mut build = cc::Build::new();
    build.file("src/native.c").define("_FILE_OFFSET_BITS", "64");
    println!("cargo:warning=C compiler: {}", build.get_compiler().path().display());
    build.compile("native");
    println!("cargo:rerun-if-changed=src/native.c");
}
