//! Revert data decoded into readable errors.
//!
//! [`decode_revert`] tries, in order: Solidity's `Error(string)` and `Panic(uint256)`, then the custom errors of
//! every contract in the committed artifacts (staker side, governance, and whatever lands later), and falls back to
//! the raw bytes. Amount arguments are shown in ETH (`InsufficientLiquidity: available 3.2 ETH, requested 5 ETH`).

use std::{collections::HashMap, fmt, sync::OnceLock};

use alloy::{
    dyn_abi::{DynSolType, DynSolValue, Specifier},
    json_abi::JsonAbi,
    primitives::{Bytes, U256},
    sol_types::{Revert, SolError},
};

/// A decoded revert reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractError {
    /// A custom error of one of Puffer's (or OpenZeppelin's) contracts.
    Custom {
        /// The contracts whose ABI declares this error (several when they share it).
        contracts: Vec<String>,
        /// The error's name, e.g. `InsufficientLiquidity`.
        name: String,
        /// Its arguments as `(parameter name, readable value)`, amounts formatted in ETH.
        args: Vec<(String, String)>,
        /// The raw revert data (selector and arguments).
        data: Bytes,
    },
    /// `require(cond, "message")` or `revert("message")`.
    Message(String),
    /// A Solidity panic (`assert`, overflow, division by zero…).
    Panic {
        /// The panic code.
        code: U256,
        /// What the code means.
        meaning: &'static str,
    },
    /// A revert without data (`revert()`, a failed `require` without a message, or a call to an address without code).
    Empty,
    /// Data that matches no known error.
    Unknown(Bytes),
}

impl ContractError {
    /// The error's name (`InsufficientLiquidity`, `Error`, `Panic`, …).
    pub fn name(&self) -> &str {
        match self {
            Self::Custom { name, .. } => name,
            Self::Message(_) => "Error",
            Self::Panic { .. } => "Panic",
            Self::Empty => "EmptyRevert",
            Self::Unknown(_) => "Unknown",
        }
    }

    /// Whether this is the custom error `E` (selector match).
    pub fn is<E: SolError>(&self) -> bool {
        matches!(self, Self::Custom { data, .. } if data.len() >= 4 && data[..4] == E::SELECTOR)
    }

    /// Decodes this error as the typed custom error `E` from the bindings, if it is one.
    pub fn decode<E: SolError>(&self) -> Option<E> {
        match self {
            Self::Custom { data, .. } => E::abi_decode(data).ok(),
            _ => None,
        }
    }
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Custom { name, args, .. } => {
                write!(f, "{name}")?;
                for (i, (param, value)) in args.iter().enumerate() {
                    let sep = if i == 0 { ": " } else { ", " };
                    if param.is_empty() {
                        write!(f, "{sep}{value}")?;
                    } else {
                        write!(f, "{sep}{param} {value}")?;
                    }
                }
                Ok(())
            }
            Self::Message(message) => write!(f, "Error({message:?})"),
            Self::Panic { code, meaning } => write!(f, "Panic(0x{code:x}): {meaning}"),
            Self::Empty => write!(f, "reverted without a reason"),
            Self::Unknown(data) => write!(f, "unknown revert data {data}"),
        }
    }
}

/// One custom error known from the artifacts.
struct KnownError {
    contracts: Vec<String>,
    name: String,
    params: Vec<(String, DynSolType, String)>,
}

/// Every custom error of every committed artifact, by selector.
fn known_errors() -> &'static HashMap<[u8; 4], KnownError> {
    static TABLE: OnceLock<HashMap<[u8; 4], KnownError>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: HashMap<[u8; 4], KnownError> = HashMap::new();
        for contract in puffer_contracts::names() {
            let Ok(artifact) = puffer_contracts::artifact(contract) else {
                continue;
            };
            let Ok(abi) = serde_json::from_value::<JsonAbi>(artifact.abi) else {
                tracing::warn!(
                    contract,
                    "artifact ABI does not parse; its errors will not be decoded"
                );
                continue;
            };
            for error in abi.errors() {
                let selector: [u8; 4] = error.selector().0;
                if let Some(known) = table.get_mut(&selector) {
                    known.contracts.push(contract.to_owned());
                    continue;
                }
                let params: Option<Vec<_>> = error
                    .inputs
                    .iter()
                    .map(|p| Some((p.name.clone(), p.resolve().ok()?, p.ty.clone())))
                    .collect();
                let Some(params) = params else { continue };
                table.insert(
                    selector,
                    KnownError {
                        contracts: vec![contract.to_owned()],
                        name: error.name.clone(),
                        params,
                    },
                );
            }
        }
        table
    })
}

/// Decodes revert data into a [`ContractError`]. Never fails: unknown data comes back as
/// [`ContractError::Unknown`].
pub fn decode_revert(data: &[u8]) -> ContractError {
    if data.is_empty() {
        return ContractError::Empty;
    }
    if data.len() >= 4
        && data[..4] == Revert::SELECTOR
        && let Ok(revert) = Revert::abi_decode(data)
    {
        return ContractError::Message(revert.reason);
    }
    if data.len() >= 4
        && data[..4] == alloy::sol_types::Panic::SELECTOR
        && let Ok(panic) = alloy::sol_types::Panic::abi_decode(data)
    {
        return ContractError::Panic {
            code: panic.code,
            meaning: panic_meaning(panic.code),
        };
    }
    let Some(selector) = data.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) else {
        return ContractError::Unknown(Bytes::copy_from_slice(data));
    };
    let Some(known) = known_errors().get(&selector) else {
        return ContractError::Unknown(Bytes::copy_from_slice(data));
    };
    let tuple = DynSolType::Tuple(known.params.iter().map(|(_, ty, _)| ty.clone()).collect());
    let Ok(DynSolValue::Tuple(values)) = tuple.abi_decode_params(&data[4..]) else {
        return ContractError::Unknown(Bytes::copy_from_slice(data));
    };
    let args = known
        .params
        .iter()
        .zip(values)
        .map(|((name, _, ty), value)| (name.clone(), format_arg(&known.name, name, ty, &value)))
        .collect();
    ContractError::Custom {
        contracts: known.contracts.clone(),
        name: known.name.clone(),
        args,
        data: Bytes::copy_from_slice(data),
    }
}

/// Whether a `uint256` argument named `param` of error `error` is an amount of wei.
fn is_wei(error: &str, param: &str) -> bool {
    let lower = param.to_ascii_lowercase();
    if lower.contains("share") || lower.contains("bps") || lower.contains("spurt") {
        return false;
    }
    // ERC-20 errors are about token balances (pufETH or WETH); both have 18 decimals.
    if error.starts_with("ERC20") || error.starts_with("ERC4626") {
        return false;
    }
    lower.ends_with("wei")
        || matches!(
            lower.as_str(),
            "available"
                | "requested"
                | "amount"
                | "assets"
                | "minassets"
                | "maxassets"
                | "balance"
                | "needed"
                | "locked"
                | "released"
        )
}

fn format_arg(error: &str, param: &str, ty: &str, value: &DynSolValue) -> String {
    match value {
        DynSolValue::Uint(v, _) if ty == "uint256" && is_wei(error, param) => format_eth(*v),
        DynSolValue::Uint(v, _) if param.to_ascii_lowercase().contains("share") => {
            format!("{} pufETH", format_units(*v))
        }
        DynSolValue::Uint(v, _) => v.to_string(),
        DynSolValue::Int(v, _) => v.to_string(),
        DynSolValue::Address(a) => a.to_string(),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::FixedBytes(word, 32) if ty == "bytes32" => {
            // Short strings packed into bytes32 (e.g. PoolParameterOutOfBounds's parameter name).
            let text: Vec<u8> = word.iter().copied().take_while(|b| *b != 0).collect();
            match std::str::from_utf8(&text) {
                Ok(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic()) => {
                    format!("{s:?}")
                }
                _ => word.to_string(),
            }
        }
        DynSolValue::FixedBytes(word, size) => Bytes::copy_from_slice(&word[..*size]).to_string(),
        DynSolValue::Bytes(b) => Bytes::copy_from_slice(b).to_string(),
        DynSolValue::String(s) => format!("{s:?}"),
        other => format!("{other:?}"),
    }
}

/// Formats wei as ETH with every significant decimal and no trailing zeros: `3.2 ETH`, `5 ETH`.
pub fn format_eth(wei: U256) -> String {
    format!("{} ETH", format_units(wei))
}

/// Formats an 18-decimal fixed-point amount without trailing zeros.
pub fn format_units(amount: U256) -> String {
    let unit = U256::from(10u64).pow(U256::from(18u64));
    let whole = amount / unit;
    let frac = amount % unit;
    if frac.is_zero() {
        return whole.to_string();
    }
    let frac = format!("{:0>18}", frac.to_string());
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

fn panic_meaning(code: U256) -> &'static str {
    match code.saturating_to::<u64>() {
        0x00 => "generic compiler panic",
        0x01 => "assertion failed",
        0x11 => "arithmetic overflow or underflow",
        0x12 => "division or modulo by zero",
        0x21 => "invalid enum value",
        0x22 => "corrupted storage byte array",
        0x31 => "pop on an empty array",
        0x32 => "array index out of bounds",
        0x41 => "out of memory",
        0x51 => "call to an uninitialised function pointer",
        _ => "unknown panic code",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eth_formatting_trims_zeros() {
        let eth = U256::from(10u64).pow(U256::from(18u64));
        assert_eq!(format_eth(eth * U256::from(5u64)), "5 ETH");
        assert_eq!(
            format_eth(eth * U256::from(32u64) / U256::from(10u64)),
            "3.2 ETH"
        );
        assert_eq!(format_eth(U256::from(1u64)), "0.000000000000000001 ETH");
        assert_eq!(format_eth(U256::ZERO), "0 ETH");
    }

    #[test]
    fn empty_and_unknown_data() {
        assert_eq!(decode_revert(&[]), ContractError::Empty);
        assert!(matches!(
            decode_revert(&[1, 2, 3, 4, 5]),
            ContractError::Unknown(_)
        ));
        assert!(matches!(decode_revert(&[1, 2]), ContractError::Unknown(_)));
    }
}
