//! The case from the blog post: a plugin written in Rust, loaded with
//! dlopen by a C host on an old distro. It uses the libc crate, std
//! threads, a thread-local and println!.

use std::cell::Cell;
use std::thread;

thread_local! {
    static CALLS: Cell<u32> = const { Cell::new(0) };
}

fn bump() -> u32 {
    CALLS.with(|c| {
        c.set(c.get() + 1);
        c.get()
    })
}

/// Called by the host after dlopen. Prints what it did and returns 0 when
/// everything worked.
#[no_mangle]
pub extern "C" fn compat_hello() -> i32 {
    let pid = unsafe { libc::getpid() };
    bump();
    let main_calls = bump();
    let handles: Vec<_> = (1..=4u32)
        .map(|n| {
            thread::spawn(move || {
                // Each thread has its own counter, starting at zero.
                let mut last = 0;
                for _ in 0..n {
                    last = bump();
                }
                last
            })
        })
        .collect();
    let per_thread: Vec<u32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    println!("hello from rust: pid>0 {}, main thread-local {}, threads {:?}", pid > 0, main_calls, per_thread);
    if pid > 0 && main_calls == 2 && per_thread == [1, 2, 3, 4] {
        0
    } else {
        1
    }
}
