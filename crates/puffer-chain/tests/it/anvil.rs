//! Starts a private anvil for a test and stops it on drop.

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

fn anvil_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../contracts/node_modules/.bin/anvil")
}

impl Anvil {
    /// Spawns anvil (Prague rules, chain id 31337, automine) and waits until it answers.
    pub(crate) fn start() -> Self {
        let bin = anvil_binary();
        assert!(
            bin.exists(),
            "anvil not found at {}: run scripts/setup (installs the pinned EVM toolchain)",
            bin.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
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

    /// A connected RPC chain.
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
