//! Starts a private anvil for a test and stops it on drop (as puffer-chain's tests do).

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use puffer_chain::{ChainError, RetryPolicy, RpcChain};

/// A running anvil on a free loopback port.
pub(crate) struct Anvil {
    child: Child,
    pub(crate) url: String,
}

impl Anvil {
    /// Spawns anvil (Prague, chain id 31337, automine) and waits until it answers.
    pub(crate) fn start() -> Self {
        let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../contracts/node_modules/.bin/anvil");
        assert!(
            bin.exists(),
            "anvil not found at {}: run scripts/setup",
            bin.display()
        );
        let port = free_port();
        let child = Command::new(&bin)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--hardfork", "prague", "--chain-id", "31337", "--silent"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let anvil = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        loop {
            match RpcChain::connect_with(
                &anvil.url,
                RetryPolicy {
                    attempts: 1,
                    initial_backoff: Duration::from_millis(10),
                },
            ) {
                Ok(_) => return anvil,
                Err(ChainError::Unreachable { .. })
                    if started.elapsed() < Duration::from_secs(30) =>
                {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => panic!("anvil at {} did not come up: {e}", anvil.url),
            }
        }
    }

    pub(crate) fn chain(&self) -> RpcChain {
        RpcChain::connect(&self.url).expect("anvil answers")
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port (bound then released).
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Polls `check` until it returns `Some`, or panics naming `what` after `secs` seconds.
pub(crate) fn poll_until<T>(what: &str, secs: u64, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            started.elapsed() < Duration::from_secs(secs),
            "timed out after {secs} s waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
