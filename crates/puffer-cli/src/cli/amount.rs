//! ETH amounts in human units: `1.5`, `0.25 ETH`, `32eth`, `100 gwei`, `7 wei`. At most as many decimals as
//! the unit has (18 for ETH, 9 for gwei, 0 for wei); anything finer is refused rather than rounded.

use puffer_chain::alloy::primitives::U256;

/// Why an amount did not parse; the text names the input and what to type instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum AmountError {
    /// Empty input.
    #[error("no amount given; write it like 1.5 or 1.5eth")]
    Empty,
    /// Not a decimal number.
    #[error("amount {0:?} is not a number; write it like 1.5 or 1.5eth")]
    NotANumber(String),
    /// Unknown unit suffix.
    #[error("amount {input:?} has unknown unit {unit:?}; use eth, gwei or wei")]
    UnknownUnit {
        /// The whole input.
        input: String,
        /// The suffix found.
        unit: String,
    },
    /// More decimals than the unit allows.
    #[error("amount {input:?} has {found} decimals but {unit} allows at most {max}")]
    TooManyDecimals {
        /// The whole input.
        input: String,
        /// Decimals given.
        found: usize,
        /// The unit.
        unit: &'static str,
        /// Decimals allowed.
        max: usize,
    },
    /// Larger than 2^256 - 1 wei.
    #[error("amount {0:?} is too large")]
    TooLarge(String),
}

/// Parses a human amount into wei (ETH when no unit is given).
pub(crate) fn parse_eth(input: &str) -> Result<U256, AmountError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(AmountError::Empty);
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let (unit_name, decimals) = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "eth" | "ether" | "pufeth" => ("ETH", 18),
        "gwei" => ("gwei", 9),
        "wei" => ("wei", 0),
        other => {
            return Err(AmountError::UnknownUnit {
                input: input.to_owned(),
                unit: other.to_owned(),
            });
        }
    };
    let number = number.replace('_', "");
    let (whole, frac) = match number.split_once('.') {
        Some((w, f)) => (w, f),
        None => (number.as_str(), ""),
    };
    let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits_ok(whole) || !digits_ok(frac) {
        return Err(AmountError::NotANumber(input.to_owned()));
    }
    if frac.len() > decimals {
        return Err(AmountError::TooManyDecimals {
            input: input.to_owned(),
            found: frac.len(),
            unit: unit_name,
            max: decimals,
        });
    }
    let padded = format!("{whole}{frac:0<decimals$}");
    let padded = padded.trim_start_matches('0');
    if padded.is_empty() {
        return Ok(U256::ZERO);
    }
    U256::from_str_radix(padded, 10).map_err(|_| AmountError::TooLarge(input.to_owned()))
}

/// `wei` as ETH without trailing zeros (`1.5`), the exact inverse of [`parse_eth`].
pub(crate) fn format_eth(wei: U256) -> String {
    puffer_chain::format_units(wei)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eth(n: u64) -> U256 {
        U256::from(n) * U256::from(10u64).pow(U256::from(18u64))
    }

    #[test]
    fn units_and_decimals() {
        assert_eq!(parse_eth("1.5"), Ok(eth(3) / U256::from(2u64)));
        assert_eq!(parse_eth("32eth"), Ok(eth(32)));
        assert_eq!(parse_eth(" 32 ETH "), Ok(eth(32)));
        assert_eq!(parse_eth("100 gwei"), Ok(U256::from(100_000_000_000u64)));
        assert_eq!(parse_eth("7wei"), Ok(U256::from(7u64)));
        assert_eq!(parse_eth(".5"), Ok(eth(1) / U256::from(2u64)));
        assert_eq!(parse_eth("1_000"), Ok(eth(1_000)));
        assert_eq!(parse_eth("0"), Ok(U256::ZERO));
    }

    #[test]
    fn mistakes_are_named() {
        assert_eq!(
            parse_eth("1.0000000000000000001").unwrap_err().to_string(),
            "amount \"1.0000000000000000001\" has 19 decimals but ETH allows at most 18"
        );
        assert!(matches!(
            parse_eth("1.5 wei"),
            Err(AmountError::TooManyDecimals { max: 0, .. })
        ));
        assert!(matches!(
            parse_eth("abc"),
            Err(AmountError::UnknownUnit { .. })
        ));
        assert!(matches!(
            parse_eth("1.2.3"),
            Err(AmountError::NotANumber(_))
        ));
        assert!(matches!(
            parse_eth("-1"),
            Err(AmountError::UnknownUnit { .. })
        ));
        assert!(matches!(parse_eth("."), Err(AmountError::NotANumber(_))));
        assert_eq!(parse_eth(""), Err(AmountError::Empty));
        assert!(matches!(
            parse_eth(&"9".repeat(100)),
            Err(AmountError::TooLarge(_))
        ));
    }

    proptest! {
        /// Formatting then parsing gives back the same wei.
        #[test]
        fn format_then_parse_round_trips(wei in any::<u128>()) {
            let wei = U256::from(wei);
            prop_assert_eq!(parse_eth(&format_eth(wei)), Ok(wei));
        }
    }
}
