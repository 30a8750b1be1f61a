//! Small helpers between typed `sol!` calls and a [`Chain`].

use alloy::{
    primitives::{Address, U256},
    signers::local::PrivateKeySigner,
    sol_types::{SolCall, SolEvent},
};

use crate::{
    ChainError, Result,
    chain::{Chain, Receipt, TxRequest},
};

/// Calls `call` on `to` read-only and decodes its return value.
///
/// # Errors
/// [`ChainError::Reverted`] with the decoded reason, [`ChainError::Decode`] when the return data does not match.
pub fn call_decode<C: SolCall>(chain: &mut dyn Chain, to: Address, call: &C) -> Result<C::Return> {
    let output = chain
        .call(None, to, call.abi_encode().into())
        .map_err(|e| name_action(e, C::SIGNATURE))?;
    C::abi_decode_returns(&output).map_err(|e| ChainError::Decode {
        what: format!("return value of {}", C::SIGNATURE),
        reason: e.to_string(),
    })
}

/// Sends `call` to `to` from `from` with `value` wei.
///
/// # Errors
/// Whatever [`Chain::send`] returns, with the function's signature as the action.
pub fn transact<C: SolCall>(
    chain: &mut dyn Chain,
    from: &PrivateKeySigner,
    to: Address,
    call: &C,
    value: U256,
) -> Result<Receipt> {
    chain
        .send(
            from,
            TxRequest::call(to, call.abi_encode()).with_value(value),
        )
        .map_err(|e| name_action(e, C::SIGNATURE))
}

/// The first `E` event emitted by `address` in `receipt`.
///
/// # Errors
/// [`ChainError::MissingEvent`] when there is none.
pub fn first_event<E: SolEvent>(receipt: &Receipt, address: Address) -> Result<E> {
    receipt
        .logs
        .iter()
        .filter(|log| log.address() == address)
        .find_map(|log| E::decode_log(&log.inner).ok())
        .map(|decoded| decoded.data)
        .ok_or(ChainError::MissingEvent {
            tx_hash: receipt.tx_hash,
            event: E::SIGNATURE,
            address,
        })
}

fn name_action(err: ChainError, signature: &str) -> ChainError {
    match err {
        ChainError::Reverted { error, tx_hash, .. } => ChainError::Reverted {
            action: signature.to_owned(),
            error,
            tx_hash,
        },
        ChainError::Halted { reason, .. } => ChainError::Halted {
            action: signature.to_owned(),
            reason,
        },
        other => other,
    }
}
