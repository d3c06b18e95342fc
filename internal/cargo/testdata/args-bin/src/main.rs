//! A program that prints its arguments, spawns threads, calls C code built
//! by its build script, uses a proc-macro (built for the host) and unwinds
//! panics (in main and in a thread) on the old glibc.

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
    std::panic::set_hook(Box::new(|_| {}));
    let depth = args.len();
    let in_main = std::panic::catch_unwind(move || unwind_from(depth + 3)).is_err();
    let in_thread = thread::spawn(move || unwind_from(depth + 5)).join().is_err();
    println!("panics unwound: main {}, thread {}", in_main, in_thread);
}

fn unwind_from(depth: usize) -> usize {
    let keep = vec![depth; 4];
    if depth == 0 {
        panic!("deep");
    }
    unwind_from(depth - 1) + keep.len()
}
