//! The daemon's HTTP API (axum) and [`HttpPeers`], the [`Peers`] implementation over it.
//!
//! | route | what |
//! |---|---|
//! | `POST /peer/sign` | a [`SignRequest`] from a peer guardian, authenticated ([`super::auth`]); answers a [`SignResponse`] |
//! | `GET /health` | `{"status":"ok","operator":…,"lastTick":…}` |
//! | `GET /metrics` | Prometheus text |
//! | `GET /rewards/{spurt}` | the posted spurt's trees and proofs ([`crate::SpurtTrees`]) for NoOps to claim, served only once checked against the chain's roots |
//!
//! Bodies above [`MAX_BODY_BYTES`] are refused (413). Garbage is answered 400 and counted, never signed.

use std::{future::Future, pin::Pin, sync::Arc, time::Duration};

use alloy::{primitives::Address, signers::local::PrivateKeySigner};
use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use tracing::{debug, warn};

use super::{
    auth::{PeerAuth, sign_request, unix_now},
    config::PeerConfig,
    metrics::Metrics,
};
use crate::{
    duties::{ChainFacts, Guardian, SignRequest, SignResponse},
    error::{GuardianError, Result},
    quorum::{PeerAnswer, Peers},
    util::join_all,
};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The signing route.
pub const SIGN_PATH: &str = "/peer/sign";

/// Where the API reads the guardian's own view of the chain from.
pub trait FactsSource: Send + Sync {
    /// The current facts.
    fn facts(&self) -> Pin<Box<dyn Future<Output = Result<ChainFacts>> + Send + '_>>;
}

/// Fixed facts (tests).
#[derive(Debug)]
pub struct FixedFacts(pub std::sync::RwLock<ChainFacts>);

impl FactsSource for FixedFacts {
    fn facts(&self) -> Pin<Box<dyn Future<Output = Result<ChainFacts>> + Send + '_>> {
        let facts = self
            .0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        Box::pin(async move { Ok(facts) })
    }
}

/// What the API serves from.
#[derive(Clone)]
pub struct ApiState {
    /// The guardian.
    pub guardian: Arc<Guardian>,
    /// Its chain view.
    pub facts: Arc<dyn FactsSource>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
}

impl std::fmt::Debug for ApiState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiState")
            .field("guardian", &self.guardian)
            .finish_non_exhaustive()
    }
}

fn error(status: StatusCode, message: String) -> Response {
    (
        status,
        Json(serde_json::json!({ "code": status.as_u16(), "message": message })),
    )
        .into_response()
}

/// The full API (peer, health, metrics, rewards).
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route(SIGN_PATH, post(sign))
        .route("/rewards/{spurt}", get(rewards))
        .merge(ops_router(state.clone()))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Only `/health` and `/metrics` (for a separate metrics address).
pub fn ops_router<S>(state: ApiState) -> Router<S> {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn health(State(s): State<ApiState>) -> Response {
    Json(serde_json::json!({
        "status": "ok",
        "operator": s.guardian.operator(),
        "enclave": s.guardian.enclave().address(),
        "lastTick": s.metrics.last_tick_unix.load(std::sync::atomic::Ordering::Relaxed),
    }))
    .into_response()
}

async fn metrics(State(s): State<ApiState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    )
        .into_response()
}

async fn rewards(State(s): State<ApiState>, Path(spurt): Path<String>) -> Response {
    let Ok(spurt) = spurt.parse::<u64>() else {
        return error(StatusCode::BAD_REQUEST, format!("invalid spurt {spurt:?}"));
    };
    match s.guardian.published_trees(spurt) {
        Ok(Some(trees)) => Json(trees).into_response(),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            format!(
                "no trees for spurt {spurt}: not reported yet, or not yet checked against the posted roots"
            ),
        ),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn sign(State(s): State<ApiState>, headers: HeaderMap, body: Bytes) -> Response {
    Metrics::inc(&s.metrics.peer_requests_total);
    let auth = match PeerAuth::from_headers(&headers) {
        Ok(a) => a,
        Err(e) => {
            Metrics::inc(&s.metrics.peer_requests_unauthenticated_total);
            warn!(error = %e, "peer request refused");
            return error(StatusCode::UNAUTHORIZED, e.to_string());
        }
    };
    let facts = match s.facts.facts().await {
        Ok(f) => f,
        Err(e) => {
            Metrics::inc(&s.metrics.rpc_errors_total);
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("chain view unavailable: {e}"),
            );
        }
    };
    let guardian = s.guardian.clone();
    let body_for_auth = body.clone();
    let verified = tokio::task::spawn_blocking(move || {
        auth.verify(
            "POST",
            SIGN_PATH,
            &body_for_auth,
            guardian.operator(),
            &facts,
            unix_now(),
            &**guardian.store(),
        )
        .map(|()| (auth, facts))
    })
    .await;
    let (auth, facts) = match verified {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            Metrics::inc(&s.metrics.peer_requests_unauthenticated_total);
            warn!(error = %e, "peer request refused");
            return error(StatusCode::UNAUTHORIZED, e.to_string());
        }
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    let request: SignRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            Metrics::inc(&s.metrics.peer_requests_malformed_total);
            warn!(peer = %auth.from, error = %e, "malformed peer request");
            return error(StatusCode::BAD_REQUEST, format!("malformed request: {e}"));
        }
    };
    let guardian = s.guardian.clone();
    let kind = request.kind();
    match tokio::task::spawn_blocking(move || guardian.respond(&request, &facts)).await {
        Ok(Ok(response)) => {
            Metrics::inc(&s.metrics.signatures_released_total);
            debug!(peer = %auth.from, kind, "signed for peer");
            Json(response).into_response()
        }
        Ok(Err(e)) => {
            Metrics::inc(&s.metrics.peer_requests_refused_total);
            debug!(peer = %auth.from, kind, error = %e, "refused peer request");
            let status = match e {
                GuardianError::Refused(_) | GuardianError::ConflictingSignature { .. } => {
                    StatusCode::CONFLICT
                }
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            error(status, e.to_string())
        }
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// Peers over HTTP: every request signed with this guardian's operator key.
#[derive(Debug, Clone)]
pub struct HttpPeers {
    signer: PrivateKeySigner,
    chain_id: u64,
    peers: Vec<PeerConfig>,
    http: reqwest::Client,
    metrics: Arc<Metrics>,
}

impl HttpPeers {
    /// Peers reached with `signer`'s identity on chain `chain_id`.
    ///
    /// # Errors
    /// [`GuardianError::Config`] when the HTTP client cannot be built.
    pub fn new(
        signer: PrivateKeySigner,
        chain_id: u64,
        peers: Vec<PeerConfig>,
        metrics: Arc<Metrics>,
    ) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| GuardianError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            signer,
            chain_id,
            peers,
            http,
            metrics,
        })
    }

    /// Each peer's published trees of `spurt` (`GET /rewards/{spurt}`), for a guardian whose own trees are
    /// missing or lost the quorum; the caller checks them against the chain ([`crate::report::verify_trees`]).
    /// Peers that fail or answer garbage are left out (garbage is counted).
    pub async fn published_trees(&self, spurt: u64) -> Vec<(Address, crate::SpurtTrees)> {
        let fetch = |peer: &PeerConfig| {
            let url = format!("{}/rewards/{spurt}", peer.url.trim_end_matches('/'));
            let http = self.http.clone();
            async move {
                let resp = http.get(url).send().await.ok()?;
                if !resp.status().is_success() {
                    return None;
                }
                let bytes = resp.bytes().await.ok()?;
                Some(serde_json::from_slice::<crate::SpurtTrees>(&bytes))
            }
        };
        let answers = join_all(
            self.peers
                .iter()
                .filter(|p| p.address != self.signer.address())
                .map(|p| async move { (p.address, fetch(p).await) }),
        )
        .await;
        let mut out = Vec::new();
        for (peer, answer) in answers {
            match answer {
                Some(Ok(trees)) if trees.spurt == spurt => out.push((peer, trees)),
                Some(_) => {
                    Metrics::inc(&self.metrics.bad_peer_answers_total);
                    debug!(%peer, spurt, "peer served trees that do not parse or are for another spurt");
                }
                None => {}
            }
        }
        out
    }

    async fn ask_one(&self, peer: &PeerConfig, body: &[u8]) -> Result<SignResponse> {
        let fail = |reason: String| GuardianError::Peer {
            peer: peer.address,
            reason,
        };
        let auth = sign_request(
            &self.signer,
            "POST",
            SIGN_PATH,
            body,
            peer.address,
            self.chain_id,
            unix_now(),
        )?;
        let mut req = self
            .http
            .post(format!("{}{SIGN_PATH}", peer.url.trim_end_matches('/')))
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.to_vec());
        for (k, v) in auth.headers() {
            req = req.header(k, v);
        }
        let resp = req.send().await.map_err(|e| fail(e.to_string()))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| fail(e.to_string()))?;
        if !status.is_success() {
            return Err(fail(format!(
                "HTTP {status}: {}",
                String::from_utf8_lossy(&bytes)
            )));
        }
        serde_json::from_slice(&bytes).map_err(|e| {
            Metrics::inc(&self.metrics.bad_peer_answers_total);
            GuardianError::BadPeerAnswer {
                peer: peer.address,
                reason: format!("garbage answer: {e}"),
            }
        })
    }
}

impl Peers for HttpPeers {
    fn ask(
        &self,
        from: Address,
        request: &SignRequest,
    ) -> impl Future<Output = Vec<PeerAnswer>> + Send {
        let body = serde_json::to_vec(request).unwrap_or_default();
        let this = self.clone();
        async move {
            let targets: Vec<PeerConfig> = this
                .peers
                .iter()
                .filter(|p| p.address != from)
                .cloned()
                .collect();
            let answers = join_all(targets.iter().map(|p| this.ask_one(p, &body))).await;
            targets
                .iter()
                .zip(answers)
                .map(|(p, result)| PeerAnswer {
                    peer: p.address,
                    result,
                })
                .collect()
        }
    }
}
