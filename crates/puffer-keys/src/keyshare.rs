//! Shamir t-of-n keyshares of a BLS secret key and threshold signing.
//!
//! The secret `s` is the constant term of a random polynomial `f` of degree `t - 1` over the BLS12-381
//! scalar field; guardian `i` (0-based) holds `f(i + 1)`. Its pubkey share is `f(i + 1)·G1`. Because BLS
//! signing is linear in the key, `f(i + 1)·H(m)` is a partial signature and Lagrange interpolation at
//! `x = 0` of any `t` of them gives `s·H(m)`: byte for byte the signature the whole key makes.

use std::fmt;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use ff::Field;
use group::Curve;
use rand::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::bls::{PublicKey, SecretKey, Signature};
use crate::error::{KeyError, Result};

/// Most shares (guardians) supported. The on-chain guardian set is small; the bound keeps every loop and
/// allocation over shares trivially cheap.
pub const MAX_SHARES: usize = 64;

/// Checks `1 <= n <= MAX_SHARES` and `n/2 < t <= n` (a strict majority, as the guardian module requires).
///
/// # Errors
/// [`KeyError::ShareCountOutOfRange`] or [`KeyError::ThresholdOutOfRange`].
pub fn check_threshold(threshold: usize, shares: usize) -> Result<()> {
    if shares == 0 || shares > MAX_SHARES {
        return Err(KeyError::ShareCountOutOfRange(shares));
    }
    if threshold * 2 <= shares || threshold > shares {
        return Err(KeyError::ThresholdOutOfRange { threshold, shares });
    }
    Ok(())
}

/// Guardian `index`'s share `f(index + 1)`. Zeroed on drop; `Debug` never prints it.
#[derive(Clone)]
pub struct KeyShare {
    index: u32,
    secret: SecretKey,
}

impl fmt::Debug for KeyShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "KeyShare {{ index: {}, secret: <redacted> }}",
            self.index
        )
    }
}

fn x_of(index: u32) -> Scalar {
    Scalar::from(u64::from(index) + 1)
}

fn scalar_of(secret: &SecretKey) -> Scalar {
    let bytes = secret.to_bytes();
    // A valid secret key is below the group order, so this is always `Some`.
    Option::from(Scalar::from_bytes_be(&bytes)).unwrap_or(Scalar::ZERO)
}

impl KeyShare {
    /// A share from its 0-based index and 32 big-endian bytes.
    ///
    /// # Errors
    /// [`KeyError::InvalidSecretKey`] for zero or out-of-range bytes, [`KeyError::BadShareIndex`] for an
    /// index at or above [`MAX_SHARES`].
    pub fn from_bytes(index: u32, bytes: &[u8]) -> Result<Self> {
        if index as usize >= MAX_SHARES {
            return Err(KeyError::BadShareIndex(index));
        }
        Ok(Self {
            index,
            secret: SecretKey::from_bytes(bytes, "keyshare")?,
        })
    }

    /// The 0-based guardian index (the share is the polynomial at `index + 1`).
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The share's 32 big-endian bytes, zeroed on drop.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        self.secret.to_bytes()
    }

    /// The pubkey share `f(index + 1)·G1`.
    pub fn public_share(&self) -> PublicKey {
        self.secret.public_key()
    }

    /// The partial signature `f(index + 1)·H(message)`.
    pub fn sign(&self, message: &[u8]) -> PartialSignature {
        PartialSignature {
            index: self.index,
            signature: self.secret.sign(message),
        }
    }
}

/// One guardian's partial signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialSignature {
    /// The 0-based guardian index.
    pub index: u32,
    /// `f(index + 1)·H(message)`.
    pub signature: Signature,
}

/// A partial signature in JSON: `{"index": 2, "signature": "0x…"}` (what guardians exchange).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialSignatureJson {
    /// The 0-based guardian index.
    pub index: u32,
    /// `0x`-prefixed compressed signature.
    pub signature: String,
}

impl PartialSignature {
    /// The JSON form.
    pub fn to_json(&self) -> PartialSignatureJson {
        PartialSignatureJson {
            index: self.index,
            signature: format!("0x{}", self.signature.to_hex()),
        }
    }
}

impl PartialSignatureJson {
    /// Parses the signature.
    ///
    /// # Errors
    /// [`KeyError::BadShareIndex`] for an index at or above [`MAX_SHARES`], or a signature error naming
    /// `partial[index].signature`.
    pub fn parse(&self) -> Result<PartialSignature> {
        if self.index as usize >= MAX_SHARES {
            return Err(KeyError::BadShareIndex(self.index));
        }
        let field = format!("partial[{}].signature", self.index);
        Ok(PartialSignature {
            index: self.index,
            signature: Signature::from_hex(&self.signature, &field)?,
        })
    }
}

/// Splits `secret` into `shares` shares, any `threshold` of which recover it. The polynomial's other
/// coefficients come from the OS generator.
///
/// # Errors
/// As [`check_threshold`].
pub fn split(secret: &SecretKey, threshold: usize, shares: usize) -> Result<Vec<KeyShare>> {
    split_with_rng(secret, threshold, shares, &mut rand::rngs::OsRng)
}

/// [`split`] with the coefficients `f_1 … f_{t-1}` drawn (in that order) from `rng`.
///
/// `rng` must be a cryptographically secure generator seeded from the OS for real keys: whoever can
/// reproduce its output knows every coefficient but the secret, so a single share then reveals the
/// secret. Only tests and the simulator pass a seeded generator, on purpose.
///
/// # Errors
/// As [`check_threshold`].
pub fn split_with_rng(
    secret: &SecretKey,
    threshold: usize,
    shares: usize,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Vec<KeyShare>> {
    check_threshold(threshold, shares)?;
    let mut coefficients = Vec::with_capacity(threshold);
    coefficients.push(scalar_of(secret));
    coefficients.extend((1..threshold).map(|_| Scalar::random(&mut *rng)));
    let mut out = Vec::with_capacity(shares);
    for index in 0..shares as u32 {
        // Horner's rule for f(index + 1).
        let x = x_of(index);
        let mut y = Scalar::ZERO;
        for c in coefficients.iter().rev() {
            y = y * x + c;
        }
        let bytes = Zeroizing::new(y.to_bytes_be());
        // f(x) = 0 has probability 2^-255; treat it as the failure it would be.
        out.push(KeyShare::from_bytes(index, bytes.as_ref())?);
    }
    coefficients.fill(Scalar::ZERO);
    Ok(out)
}

/// The Lagrange coefficients at `x = 0` for the given 0-based indices.
///
/// # Errors
/// [`KeyError::BadShareIndex`] for a duplicated or out-of-range index.
pub fn lagrange_at_zero(indices: &[u32]) -> Result<Vec<Scalar>> {
    for (k, &i) in indices.iter().enumerate() {
        if i as usize >= MAX_SHARES || indices[..k].contains(&i) {
            return Err(KeyError::BadShareIndex(i));
        }
    }
    indices
        .iter()
        .map(|&i| {
            let xi = x_of(i);
            let (mut num, mut den) = (Scalar::ONE, Scalar::ONE);
            for &j in indices.iter().filter(|&&j| j != i) {
                let xj = x_of(j);
                num *= xj;
                den *= xj - xi;
            }
            Option::from(den.invert())
                .map(|inv: Scalar| num * inv)
                .ok_or(KeyError::BadShareIndex(i))
        })
        .collect()
}

/// Checks one partial signature against its pubkey share.
///
/// # Errors
/// [`KeyError::BadPartialSignature`] naming the index.
pub fn verify_partial(
    pubkey_share: &PublicKey,
    message: &[u8],
    partial: &PartialSignature,
) -> Result<()> {
    if pubkey_share.verify(message, &partial.signature) {
        Ok(())
    } else {
        Err(KeyError::BadPartialSignature {
            index: partial.index,
        })
    }
}

/// Combines at least `threshold` partial signatures (distinct indices) into the whole key's signature.
/// It does not verify the partials: use [`combine_verified`] for untrusted input.
///
/// # Errors
/// [`KeyError::WrongCount`] for fewer than `threshold` partials, [`KeyError::BadShareIndex`] for
/// duplicates, [`KeyError::InvalidSignatureEncoding`] for a partial that is not a G2 point.
pub fn combine(partials: &[PartialSignature], threshold: usize) -> Result<Signature> {
    if partials.len() < threshold || partials.is_empty() {
        return Err(KeyError::WrongCount {
            what: "partial signatures",
            got: partials.len(),
            expected: threshold,
        });
    }
    let indices: Vec<u32> = partials.iter().map(|p| p.index).collect();
    let lambdas = lagrange_at_zero(&indices)?;
    let points = partials
        .iter()
        .map(|p| {
            Option::<G2Affine>::from(G2Affine::from_compressed(p.signature.as_bytes()))
                .map(G2Projective::from)
                .ok_or_else(|| KeyError::InvalidSignatureEncoding {
                    field: format!("partial signature {}", p.index),
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let combined = G2Projective::multi_exp(&points, &lambdas)
        .to_affine()
        .to_compressed();
    Signature::from_bytes(&combined, "combined signature")
}

/// Verifies every partial against its pubkey share (`pubkey_shares[index]`), combines, and checks the
/// result against the validator key.
///
/// # Errors
/// [`KeyError::BadPartialSignature`] naming the first bad partial, [`KeyError::BadShareIndex`] for an
/// index without a pubkey share, errors of [`combine`], or [`KeyError::BadSignature`] if the combination
/// does not verify (inconsistent pubkey shares).
pub fn combine_verified(
    validator_pubkey: &PublicKey,
    pubkey_shares: &[PublicKey],
    message: &[u8],
    partials: &[PartialSignature],
    threshold: usize,
) -> Result<Signature> {
    for p in partials {
        let share = pubkey_shares
            .get(p.index as usize)
            .ok_or(KeyError::BadShareIndex(p.index))?;
        verify_partial(share, message, p)?;
    }
    let sig = combine(partials, threshold)?;
    if validator_pubkey.verify(message, &sig) {
        Ok(sig)
    } else {
        Err(KeyError::BadSignature("combined signature".into()))
    }
}

/// Interpolates pubkey shares (index, point) at `x = 0`.
///
/// # Errors
/// [`KeyError::BadShareIndex`] for duplicates; [`KeyError::InvalidPublicKey`] when the result is the point
/// at infinity.
pub fn interpolate_pubkey(shares: &[(u32, PublicKey)]) -> Result<PublicKey> {
    let indices: Vec<u32> = shares.iter().map(|(i, _)| *i).collect();
    let lambdas = lagrange_at_zero(&indices)?;
    let points: Vec<G1Projective> = shares
        .iter()
        .map(|(_, pk)| {
            Option::<G1Affine>::from(G1Affine::from_compressed(pk.as_bytes()))
                .map(G1Projective::from)
        })
        .collect::<Option<_>>()
        .ok_or_else(|| KeyError::InvalidPublicKey {
            field: "pubkey share".into(),
        })?;
    let sum = G1Projective::multi_exp(&points, &lambdas)
        .to_affine()
        .to_compressed();
    PublicKey::from_bytes(&sum, "interpolated pubkey")
}

/// Lagrange coefficients at `x` for the shares at `indices` (the polynomial through them, evaluated at `x`):
/// `λ_i(x) = Π_{j≠i} (x − x_j) / (x_i − x_j)`.
fn lagrange_at(x: Scalar, indices: &[u32]) -> Result<Vec<Scalar>> {
    indices
        .iter()
        .map(|&i| {
            let xi = x_of(i);
            let (mut num, mut den) = (Scalar::ONE, Scalar::ONE);
            for &j in indices.iter().filter(|&&j| j != i) {
                let xj = x_of(j);
                num *= x - xj;
                den *= xi - xj;
            }
            Option::from(den.invert())
                .map(|inv: Scalar| num * inv)
                .ok_or(KeyError::BadShareIndex(i))
        })
        .collect()
}

fn g1_points(shares: &[PublicKey]) -> Result<Vec<G1Projective>> {
    shares
        .iter()
        .map(|pk| {
            Option::<G1Affine>::from(G1Affine::from_compressed(pk.as_bytes()))
                .map(G1Projective::from)
        })
        .collect::<Option<_>>()
        .ok_or_else(|| KeyError::InvalidPublicKey {
            field: "pubkey share".into(),
        })
}

/// Checks that the pubkey shares are consistent with `validator_pubkey`: all `n` points `(i + 1, share_i)` lie on
/// one polynomial of degree `t − 1` whose value at 0 is the validator pubkey. Equivalently, every `t`-subset of
/// the shares interpolates to the pubkey (any `t` points of that polynomial determine it), so any `t` guardians
/// can produce exits — but this costs `n − t + 1` multi-scalar multiplications instead of `C(n, t)`:
///
/// 1. the first `t` shares interpolated at `x = 0` must give the pubkey;
/// 2. the same `t` shares interpolated at `x = j + 1` must give share `j`, for each remaining `j`.
///
/// # Errors
/// [`KeyError::InconsistentShares`] naming the base shares and the first share off the polynomial (or just the
/// base shares when they miss the pubkey), or [`KeyError::InvalidPublicKey`] for a share that is not a point.
pub fn check_pubkey_shares(
    validator_pubkey: &PublicKey,
    pubkey_shares: &[PublicKey],
    threshold: usize,
) -> Result<()> {
    check_threshold(threshold, pubkey_shares.len())?;
    let base: Vec<u32> = (0..threshold as u32).collect();
    let points = g1_points(&pubkey_shares[..threshold])?;
    let at = |x: Scalar| -> Result<G1Affine> {
        Ok(G1Projective::multi_exp(&points, &lagrange_at(x, &base)?).to_affine())
    };
    let expected = g1_points(std::slice::from_ref(validator_pubkey))?;
    if G1Projective::from(at(Scalar::ZERO)?) != expected[0] {
        return Err(KeyError::InconsistentShares { indices: base });
    }
    for (j, share) in pubkey_shares.iter().enumerate().skip(threshold) {
        let given = g1_points(std::slice::from_ref(share))?;
        if G1Projective::from(at(x_of(j as u32))?) != given[0] {
            let mut indices = base.clone();
            indices.push(j as u32);
            return Err(KeyError::InconsistentShares { indices });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        assert!(check_threshold(5, 7).is_ok());
        assert!(check_threshold(1, 1).is_ok());
        assert!(check_threshold(3, 6).is_err());
        assert!(check_threshold(8, 7).is_err());
        assert!(check_threshold(1, 0).is_err());
    }

    #[test]
    fn lagrange_of_two_points() {
        // x = 1, 2: λ1 = 2/(2-1) = 2, λ2 = 1/(1-2) = -1.
        let l = lagrange_at_zero(&[0, 1]).unwrap();
        assert_eq!(l[0], Scalar::from(2u64));
        assert_eq!(l[1], -Scalar::ONE);
        assert!(lagrange_at_zero(&[1, 1]).is_err());
    }

    #[test]
    fn lagrange_at_zero_is_lagrange_at_x_zero() {
        for indices in [vec![0u32, 1], vec![0, 2, 5], vec![1, 3, 4, 6]] {
            assert_eq!(
                lagrange_at(Scalar::ZERO, &indices).unwrap(),
                lagrange_at_zero(&indices).unwrap()
            );
        }
    }
}
