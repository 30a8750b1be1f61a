//! Gathering a quorum: [`Peers`] asks the other guardians (over authenticated HTTP in the daemon,
//! [`InProcessPeers`] in tests and the simulator), every answer is verified before it counts (an ECDSA
//! signature must recover to a current guardian's enclave key; a partial exit signature must verify against
//! its pubkey share), bad answers are excluded, counted and logged, and the result is what the contract or the
//! beacon node takes.

use std::{
    collections::{BTreeMap, BTreeSet},
    future::Future,
    sync::{Arc, Mutex, RwLock},
};

use alloy::primitives::{Address, B256, Bytes, Signature as EcdsaSignature};
use puffer_keys::{
    bls::PublicKey,
    exit::SignedVoluntaryExit,
    keyshare::{self, PartialSignature},
};
use tracing::warn;

use crate::{
    custody,
    duties::{ChainFacts, Guardian, SignRequest, SignResponse},
    error::{GuardianError, Result},
};

/// One peer's answer.
#[derive(Debug)]
pub struct PeerAnswer {
    /// The peer's operator address.
    pub peer: Address,
    /// What it answered.
    pub result: Result<SignResponse>,
}

/// The other guardians, as a requester sees them.
pub trait Peers: Send + Sync {
    /// Sends `request` from `from` to every other guardian and returns their answers (unreachable peers as
    /// errors). Implementations may return early once enough answers arrived; callers verify every answer.
    fn ask(
        &self,
        from: Address,
        request: &SignRequest,
    ) -> impl Future<Output = Vec<PeerAnswer>> + Send;
}

/// What a quorum round produced besides the result: who answered badly.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RoundReport {
    /// Peers whose answer did not verify (the reason is logged).
    pub bad: Vec<Address>,
    /// Peers that refused or could not be reached.
    pub unavailable: Vec<Address>,
}

/// Verifies an ECDSA answer for `digest`: the signature must recover to one of `facts`' enclave keys.
///
/// # Errors
/// [`GuardianError::BadPeerAnswer`] naming the peer and the problem.
pub fn verify_signature(
    peer: Address,
    digest: B256,
    answer: &SignResponse,
    facts: &ChainFacts,
) -> Result<(Address, [u8; 65])> {
    let bad = |reason: String| GuardianError::BadPeerAnswer { peer, reason };
    let SignResponse::Signature { signature } = answer else {
        return Err(bad("expected an ECDSA signature".into()));
    };
    let raw: [u8; 65] = signature.as_ref().try_into().map_err(|_| {
        bad(format!(
            "signature of {} bytes, expected 65",
            signature.len()
        ))
    })?;
    let sig =
        EcdsaSignature::from_raw(&raw).map_err(|e| bad(format!("malformed signature: {e}")))?;
    let signer = sig
        .recover_address_from_prehash(&digest)
        .map_err(|e| bad(format!("signature does not recover: {e}")))?;
    if !facts.enclave_keys.contains(&signer) {
        return Err(bad(format!(
            "signature recovers to {signer}, not a guardian enclave key"
        )));
    }
    Ok((signer, raw))
}

/// Concatenates signatures sorted by signer address (distinct), as `GuardianModule.verify` requires.
pub fn signature_blob(signatures: &BTreeMap<Address, [u8; 65]>) -> Bytes {
    signatures
        .values()
        .flat_map(|s| s.iter().copied())
        .collect::<Vec<u8>>()
        .into()
}

/// Gathers `facts.threshold` enclave signatures for `request` (provision, skip or report): this guardian's own
/// first (through the same rules), then its peers'. Returns the blob for the contract.
///
/// # Errors
/// [`GuardianError::Refused`]/[`GuardianError::ConflictingSignature`] when this guardian itself may not sign;
/// [`GuardianError::NoQuorum`] when too few valid answers arrived.
pub async fn gather_signatures<P: Peers>(
    me: &Guardian,
    peers: &P,
    request: &SignRequest,
    facts: &ChainFacts,
) -> Result<(Bytes, RoundReport)> {
    let planned = me.check_request(request, facts)?;
    let own = me.respond(request, facts)?;
    let mut sigs = BTreeMap::new();
    let (signer, raw) = verify_signature(me.operator(), planned.digest, &own, facts)?;
    sigs.insert(signer, raw);
    let mut round = RoundReport::default();
    for answer in peers.ask(me.operator(), request).await {
        match answer.result {
            Ok(resp) => match verify_signature(answer.peer, planned.digest, &resp, facts) {
                Ok((signer, raw)) => {
                    sigs.insert(signer, raw);
                }
                Err(e) => {
                    warn!(peer = %answer.peer, error = %e, "bad signature excluded");
                    round.bad.push(answer.peer);
                }
            },
            Err(e) => {
                tracing::debug!(peer = %answer.peer, error = %e, "peer did not sign");
                round.unavailable.push(answer.peer);
            }
        }
    }
    if sigs.len() < facts.threshold {
        return Err(GuardianError::NoQuorum {
            what: format!("{} signatures", request.kind()),
            got: sigs.len(),
            threshold: facts.threshold,
        });
    }
    let chosen: BTreeMap<Address, [u8; 65]> = sigs.into_iter().take(facts.threshold).collect();
    Ok((signature_blob(&chosen), round))
}

/// Gathers `threshold` partial exit signatures for an [`SignRequest::Exit`], verifies each against its
/// pubkey share (bad ones excluded and reported), and combines them into the validator's exit.
///
/// # Errors
/// As [`gather_signatures`]; [`GuardianError::Keys`] when the combination does not verify.
pub async fn gather_exit<P: Peers>(
    me: &Guardian,
    peers: &P,
    request: &SignRequest,
    facts: &ChainFacts,
) -> Result<(SignedVoluntaryExit, RoundReport)> {
    let planned = me.check_request(request, facts)?;
    let Some((validator_id, message)) = planned.exit else {
        return Err(GuardianError::Refused("not an exit request".into()));
    };
    let reg = me
        .registration(validator_id)?
        .ok_or(GuardianError::UnknownValidator(validator_id))?;
    let data = reg.validator_data()?;
    let shares = custody::pubkey_shares(&data, facts.guardians.len())
        .map_err(|v| GuardianError::Refused(format!("validator {validator_id}: {v:?}")))?;
    let pubkey = PublicKey::from_bytes(&data.pubkey, "pubkey")?;
    let root = message.signing_root(me.network());
    let own = me.respond(request, facts)?;
    let mut partials: BTreeMap<u32, PartialSignature> = BTreeMap::new();
    let mut round = RoundReport::default();
    let mut accept = |peer: Address, resp: SignResponse, round: &mut RoundReport| {
        let checked = match resp {
            SignResponse::Partial { partial } => {
                partial.parse().map_err(GuardianError::from).and_then(|p| {
                    let share = shares.get(p.index as usize).ok_or_else(|| {
                        GuardianError::BadPeerAnswer {
                            peer,
                            reason: format!("share index {} out of range", p.index),
                        }
                    })?;
                    let expected = facts.index_of(peer);
                    if expected != Some(p.index) {
                        return Err(GuardianError::BadPeerAnswer {
                            peer,
                            reason: format!(
                                "partial for share {} but the peer holds share {expected:?}",
                                p.index
                            ),
                        });
                    }
                    keyshare::verify_partial(share, &root, &p).map_err(|e| {
                        GuardianError::BadPeerAnswer {
                            peer,
                            reason: e.to_string(),
                        }
                    })?;
                    Ok(p)
                })
            }
            SignResponse::Signature { .. } => Err(GuardianError::BadPeerAnswer {
                peer,
                reason: "expected a partial signature".into(),
            }),
        };
        match checked {
            Ok(p) => {
                partials.insert(p.index, p);
            }
            Err(e) => {
                warn!(peer = %peer, error = %e, "bad partial exit signature excluded");
                round.bad.push(peer);
            }
        }
    };
    accept(me.operator(), own, &mut round);
    for answer in peers.ask(me.operator(), request).await {
        match answer.result {
            Ok(resp) => accept(answer.peer, resp, &mut round),
            Err(e) => {
                tracing::debug!(peer = %answer.peer, error = %e, "peer gave no partial");
                round.unavailable.push(answer.peer);
            }
        }
    }
    if partials.len() < facts.threshold {
        return Err(GuardianError::NoQuorum {
            what: format!("partial exit signatures for validator {validator_id}"),
            got: partials.len(),
            threshold: facts.threshold,
        });
    }
    let chosen: Vec<PartialSignature> = partials.into_values().take(facts.threshold).collect();
    let signature = keyshare::combine_verified(&pubkey, &shares, &root, &chosen, facts.threshold)?;
    Ok((SignedVoluntaryExit { message, signature }, round))
}

/// In-process peers: N [`Guardian`]s in one process, each answering with its own view of the chain. Used by the
/// simulator and tests; the daemon's HTTP peers go through the same [`Guardian::respond`].
#[derive(Debug, Default)]
pub struct InProcessPeers {
    guardians: Vec<Arc<Guardian>>,
    facts: RwLock<BTreeMap<Address, ChainFacts>>,
    shared_facts: RwLock<Option<ChainFacts>>,
    offline: Mutex<BTreeSet<Address>>,
}

impl InProcessPeers {
    /// Peers over `guardians`.
    pub fn new(guardians: Vec<Arc<Guardian>>) -> Self {
        Self {
            guardians,
            ..Self::default()
        }
    }

    /// The guardians.
    pub fn guardians(&self) -> &[Arc<Guardian>] {
        &self.guardians
    }

    /// Sets the chain view every guardian answers with (they share one chain in process).
    pub fn set_facts(&self, facts: ChainFacts) {
        *self
            .shared_facts
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(facts);
    }

    /// Gives one guardian its own view (e.g. a lagging node).
    pub fn set_facts_of(&self, guardian: Address, facts: ChainFacts) {
        self.facts
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(guardian, facts);
    }

    /// Takes a guardian off line (it answers nothing) or back.
    pub fn set_online(&self, guardian: Address, online: bool) {
        let mut off = self
            .offline
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if online {
            off.remove(&guardian);
        } else {
            off.insert(guardian);
        }
    }

    fn facts_of(&self, guardian: Address) -> Option<ChainFacts> {
        if let Some(f) = self
            .facts
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&guardian)
        {
            return Some(f.clone());
        }
        self.shared_facts
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Synchronous [`Peers::ask`].
    pub fn ask_now(&self, from: Address, request: &SignRequest) -> Vec<PeerAnswer> {
        let offline = self
            .offline
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        self.guardians
            .iter()
            .filter(|g| g.operator() != from)
            .map(|g| {
                let peer = g.operator();
                let result = if offline.contains(&peer) {
                    Err(GuardianError::Peer {
                        peer,
                        reason: "offline".into(),
                    })
                } else {
                    match self.facts_of(peer) {
                        Some(facts) => g.respond(request, &facts),
                        None => Err(GuardianError::Peer {
                            peer,
                            reason: "no chain view set".into(),
                        }),
                    }
                };
                PeerAnswer { peer, result }
            })
            .collect()
    }
}

impl Peers for InProcessPeers {
    fn ask(
        &self,
        from: Address,
        request: &SignRequest,
    ) -> impl Future<Output = Vec<PeerAnswer>> + Send {
        let answers = self.ask_now(from, request);
        async move { answers }
    }
}
