//! BIP-39 mnemonics: generate, validate, turn into a seed.

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::error::{KeyError, Result};

/// A validated BIP-39 mnemonic (any of the BIP-39 word lists). The phrase is held in a buffer zeroed on
/// drop and `Debug` never prints it.
pub struct Mnemonic {
    phrase: Zeroizing<String>,
    language: bip39::Language,
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mnemonic(<redacted>)")
    }
}

/// A 64-byte BIP-39 seed, zeroed on drop.
pub type Seed = Zeroizing<[u8; 64]>;

impl Mnemonic {
    /// A fresh English mnemonic of `words` words from the operating system's RNG.
    ///
    /// # Errors
    /// [`KeyError::InvalidWordCount`] unless `words` is 12, 15, 18, 21 or 24.
    pub fn generate(words: usize) -> Result<Self> {
        if !matches!(words, 12 | 15 | 18 | 21 | 24) {
            return Err(KeyError::InvalidWordCount(words));
        }
        let m = bip39::Mnemonic::generate(words)
            .map_err(|e| KeyError::InvalidMnemonic(e.to_string()))?;
        Ok(Self {
            phrase: Zeroizing::new(m.to_string()),
            language: bip39::Language::English,
        })
    }

    /// Parses and checks a mnemonic (NFKD-normalised, words separated by any whitespace, case-insensitive).
    ///
    /// # Errors
    /// [`KeyError::InvalidMnemonic`] for an unknown word, a bad word count or a bad checksum; the message
    /// says which, without echoing the phrase.
    pub fn parse(phrase: &str) -> Result<Self> {
        let normalized: Zeroizing<String> =
            Zeroizing::new(phrase.nfkd().collect::<String>().to_lowercase());
        let joined: Zeroizing<String> =
            Zeroizing::new(normalized.split_whitespace().collect::<Vec<_>>().join(" "));
        // English first: some words ("abandon") are in more than one list, and English is what
        // operators use; other lists are tried when a word is not English.
        let english = bip39::Mnemonic::parse_in_normalized(bip39::Language::English, &joined);
        let parsed = match english {
            Ok(m) => m,
            Err(english_err @ bip39::Error::UnknownWord(_)) => {
                match bip39::Mnemonic::parse_normalized(&joined) {
                    Ok(m) => m,
                    Err(bip39::Error::AmbiguousLanguages(_)) => return Err(describe(english_err)),
                    Err(other) => return Err(describe(other)),
                }
            }
            Err(e) => return Err(describe(e)),
        };
        Ok(Self {
            phrase: joined,
            language: parsed.language(),
        })
    }

    /// The phrase (for showing to the operator once, at creation).
    pub fn phrase(&self) -> &str {
        &self.phrase
    }

    /// The BIP-39 seed: PBKDF2-HMAC-SHA512, 2048 rounds, salt `"mnemonic" ‖ NFKD(passphrase)`.
    pub fn to_seed(&self, passphrase: &str) -> Seed {
        let pass: Zeroizing<String> = Zeroizing::new(passphrase.nfkd().collect());
        // The phrase was validated in `parse`/`generate`; re-parsing cannot fail, but stay panic-free.
        match bip39::Mnemonic::parse_in_normalized(self.language, &self.phrase) {
            Ok(m) => Zeroizing::new(m.to_seed_normalized(&pass)),
            Err(_) => Zeroizing::new([0; 64]),
        }
    }
}

fn describe(e: bip39::Error) -> KeyError {
    KeyError::InvalidMnemonic(match e {
        bip39::Error::InvalidChecksum => {
            "checksum does not match (a word is wrong or misplaced)".into()
        }
        bip39::Error::BadWordCount(n) => format!("{n} words; expected 12, 15, 18, 21 or 24"),
        bip39::Error::UnknownWord(i) => format!("word {} is not in the BIP-39 word list", i + 1),
        other => other.to_string(),
    })
}
