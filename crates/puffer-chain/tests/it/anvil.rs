//! A private anvil per test (`puffer-testkit`), reached through the RPC backend.

use puffer_chain::RpcChain;
pub(crate) use puffer_testkit::Anvil;

/// `anvil.chain()`: the RPC backend connected to a test's anvil.
pub(crate) trait AnvilChain {
    /// A connected RPC chain.
    fn chain(&self) -> RpcChain;
}

impl AnvilChain for Anvil {
    fn chain(&self) -> RpcChain {
        RpcChain::connect(&self.url).expect("anvil answers")
    }
}
