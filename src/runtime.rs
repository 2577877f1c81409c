//! The async runtime the front ends run network work on.
//!
//! A multi-thread runtime with one worker: the session blocks on it through a `Handle`,
//! and `Handle::block_on` does not drive a current-thread runtime.

use std::io;

pub fn build() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
}
