//! A program that prints its arguments, spawns threads, calls C code built
//! by its build script and uses a proc-macro (built for the host).

use std::ffi::CString;
use std::os::raw::{c_char, c_int};
use std::thread;

extern "C" {
    fn native_check(path: *const c_char) -> c_int;
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("args: {:?}", args);
    let sums: Vec<usize> = (0..3)
        .map(|i| thread::spawn(move || (0..=i * 10).sum::<usize>()))
        .map(|h| h.join().unwrap())
        .collect();
    println!("threads: {:?}", sums);
    let root = CString::new("/").unwrap();
    println!("native: {}", unsafe { native_check(root.as_ptr()) });
    println!("macro: {}", args_macro::greeting!());
}
