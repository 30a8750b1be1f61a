//! Test support shared by Puffer's integration tests (a dev-dependency only; nothing here ships): a private anvil
//! per test ([`Anvil`]), free loopback ports ([`free_port`]) and polling with a deadline ([`poll_until`]).
//! Standard library only, so every crate can use it without a dependency cycle.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// The pinned anvil `scripts/setup` installs, relative to this crate.
pub fn anvil_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../contracts/node_modules/.bin/anvil")
}

/// A running anvil on a free loopback port, killed on drop.
#[derive(Debug)]
pub struct Anvil {
    child: Child,
    /// Its JSON-RPC URL.
    pub url: String,
}

impl Anvil {
    /// Spawns anvil (Prague rules, chain id 31337, automine) and waits until it answers JSON-RPC.
    ///
    /// # Panics
    /// When anvil is not installed (run `scripts/setup`), does not start, or does not answer within 30 s.
    pub fn start() -> Self {
        let bin = anvil_binary();
        assert!(
            bin.exists(),
            "anvil not found at {}: run scripts/setup (installs the pinned EVM toolchain)",
            bin.display()
        );
        let port = free_port();
        let child = Command::new(&bin)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--hardfork", "prague", "--chain-id", "31337", "--silent"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}; run scripts/setup", bin.display()));
        let anvil = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        poll_until("anvil to answer eth_chainId", 30, || {
            answers_chain_id(port).then_some(())
        });
        anvil
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether a JSON-RPC node on `port` answers `eth_chainId` (one plain HTTP/1.1 request).
fn answers_chain_id(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"#;
    let request = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.contains("\"result\"")
}

/// A free loopback port (bound then released).
///
/// # Panics
/// When no port can be bound.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Polls `check` every 50 ms until it returns `Some`.
///
/// # Panics
/// Naming `what`, after `secs` seconds without an answer.
pub fn poll_until<T>(what: &str, secs: u64, check: impl FnMut() -> Option<T>) -> T {
    poll_every(what, secs, Duration::from_millis(50), check)
}

/// Polls `check` every `interval` (for checks that are costly, e.g. running a command) until it returns `Some`.
///
/// # Panics
/// Naming `what`, after `secs` seconds without an answer.
pub fn poll_every<T>(
    what: &str,
    secs: u64,
    interval: Duration,
    mut check: impl FnMut() -> Option<T>,
) -> T {
    let started = Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            started.elapsed() < Duration::from_secs(secs),
            "timed out after {secs} s waiting for {what}"
        );
        std::thread::sleep(interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_until_returns_the_first_answer_and_times_out_naming_what() {
        let mut n = 0;
        assert_eq!(
            poll_until("three tries", 5, || {
                n += 1;
                (n == 3).then_some(n)
            }),
            3
        );
        let panic = std::panic::catch_unwind(|| poll_until::<()>("nothing", 0, || None))
            .expect_err("times out");
        let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.contains("waiting for nothing"), "{message}");
    }

    #[test]
    fn a_free_port_is_bindable() {
        let port = free_port();
        assert!(TcpListener::bind(("127.0.0.1", port)).is_ok());
        assert!(!answers_chain_id(port), "nothing listens there");
    }
}
