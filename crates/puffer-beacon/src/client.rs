//! [`BeaconClient`]: the Beacon REST API over HTTP (async, reqwest).

use std::collections::BTreeMap;
use std::time::Duration;

use puffer_keys::exit::SignedVoluntaryExit;
use serde::de::DeserializeOwned;
use tracing::debug;

use crate::error::{BeaconError, Result};
use crate::node::{BeaconNode, BlockId, StateId, ValidatorId, check_slot_range};
use crate::sim::Withdrawal;
use crate::types::{
    Balance, BlockResponse, ClockAdvance, Envelope, ErrorBody, FinalityCheckpoints, Fork, Genesis,
    HeaderData, Spec, ValidatorData, ValidatorStatus,
};

/// A Beacon API client for any standard beacon node (Lighthouse, Prysm, Teku, Lodestar, Nimbus, ours).
#[derive(Debug, Clone)]
pub struct BeaconClient {
    base: String,
    http: reqwest::Client,
}

impl BeaconClient {
    /// A client for the node at `base_url` (e.g. `http://127.0.0.1:5052`), with a 30 s request timeout.
    ///
    /// # Errors
    /// [`BeaconError::BadUrl`] when the URL is not `http(s)://…`; [`BeaconError::Transport`] when the HTTP
    /// client cannot be built.
    pub fn new(base_url: &str) -> Result<Self> {
        let base = base_url.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(BeaconError::BadUrl(base_url.to_owned()));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self { base, http })
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `GET /eth/v2/beacon/blocks/{block_id}` (the body subset in [`BlockResponse`]).
    ///
    /// # Errors
    /// [`BeaconError::Api`] with 404 when there is no block there (an empty slot, or after the head).
    pub async fn block(&self, block: BlockId) -> Result<BlockResponse> {
        self.get(&format!("/eth/v2/beacon/blocks/{block}"), "block")
            .await
    }

    /// [`BeaconNode::withdrawals`] the way any beacon node can answer it: reads the head, then every block
    /// in `from_slot..min(to_slot, head + 1)` (one request per slot; 404 is an empty slot) and keeps the
    /// withdrawals to `indices` (all when empty). [`withdrawals`](BeaconNode::withdrawals) falls back to
    /// this when the node has no `POST /puffer/v1/withdrawals` (404 or 405).
    ///
    /// # Errors
    /// [`BeaconError::BadRequest`] when `to_slot < from_slot`; the node's errors other than 404 on a block.
    pub async fn withdrawals_from_blocks(
        &self,
        from_slot: u64,
        to_slot: u64,
        indices: &[u64],
    ) -> Result<Vec<Withdrawal>> {
        check_slot_range(from_slot, to_slot)?;
        let head = self.header(BlockId::Head).await?.header.message.slot;
        let end = to_slot.min(head.saturating_add(1));
        let mut out = Vec::new();
        for slot in from_slot..end {
            let block = match self.block(BlockId::Slot(slot)).await {
                Ok(block) => block,
                Err(BeaconError::Api { status: 404, .. }) => continue,
                Err(e) => return Err(e),
            };
            let message = block.data.message;
            let Some(payload) = message.body.execution_payload else {
                continue;
            };
            out.extend(
                payload
                    .withdrawals
                    .into_iter()
                    .filter(|w| indices.is_empty() || indices.contains(&w.validator_index))
                    .map(|w| Withdrawal {
                        withdrawal_index: w.index,
                        index: w.validator_index,
                        address: w.address,
                        amount: w.amount,
                        slot: message.slot,
                    }),
            );
        }
        Ok(out)
    }

    /// Simulator only (`POST /puffer/v1/clock/advance`): moves the simulated node's clock `seconds` forward
    /// and has it process every slot up to the new wall-clock slot. A real beacon node answers 404.
    ///
    /// # Errors
    /// The node's (e.g. [`BeaconError::Api`] 400 for a jump above the endpoint's limit), transport errors.
    pub async fn advance_clock(&self, seconds: u64) -> Result<ClockAdvance> {
        let body = serde_json::json!({ "seconds": seconds.to_string() });
        let e: Envelope<ClockAdvance> = decode(
            self.post("/puffer/v1/clock/advance", &body).await?,
            "clock/advance",
        )
        .await?;
        Ok(e.data)
    }

    /// Simulator only (`POST /puffer/v1/validators/{index}/penalty`): lowers validator `index`'s balance by
    /// `gwei` (to 0 at most) and returns its new balance. A real beacon node answers 404.
    ///
    /// # Errors
    /// [`BeaconError::Api`] 404 naming the index when the validator is unknown; transport errors.
    pub async fn penalize(&self, index: u64, gwei: u64) -> Result<Balance> {
        let body = serde_json::json!({ "gwei": gwei.to_string() });
        let e: Envelope<Balance> = decode(
            self.post(&format!("/puffer/v1/validators/{index}/penalty"), &body)
                .await?,
            "penalty",
        )
        .await?;
        Ok(e.data)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, what: &'static str) -> Result<T> {
        debug!(path, "beacon GET");
        let response = self.http.get(format!("{}{path}", self.base)).send().await?;
        decode(response, what).await
    }

    async fn post<B: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<reqwest::Response> {
        debug!(path, "beacon POST");
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await?;
        check(response).await
    }
}

/// Turns a non-2xx response into [`BeaconError::Api`] with the node's message.
async fn check(response: reqwest::Response) -> Result<reqwest::Response> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let text = response.text().await.unwrap_or_default();
    let message = serde_json::from_str::<ErrorBody>(&text)
        .map(|e| e.message)
        .unwrap_or(text);
    Err(BeaconError::Api {
        status: status.as_u16(),
        message,
    })
}

async fn decode<T: DeserializeOwned>(response: reqwest::Response, what: &'static str) -> Result<T> {
    let bytes = check(response).await?.bytes().await?;
    serde_json::from_slice(&bytes).map_err(|source| BeaconError::Decode { what, source })
}

fn id_strings(ids: &[ValidatorId]) -> Vec<String> {
    ids.iter().map(ToString::to_string).collect()
}

impl BeaconNode for BeaconClient {
    async fn genesis(&self) -> Result<Genesis> {
        let e: Envelope<Genesis> = self.get("/eth/v1/beacon/genesis", "genesis").await?;
        Ok(e.data)
    }

    async fn spec(&self) -> Result<Spec> {
        let e: Envelope<BTreeMap<String, serde_json::Value>> =
            self.get("/eth/v1/config/spec", "spec").await?;
        // Real nodes also serve nested values (e.g. BLOB_SCHEDULE); keep the strings.
        let map = e
            .data
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
            .collect();
        Spec::from_map(&map)
    }

    async fn fork(&self, state: StateId) -> Result<Fork> {
        let e: Envelope<Fork> = self
            .get(&format!("/eth/v1/beacon/states/{state}/fork"), "fork")
            .await?;
        Ok(e.data)
    }

    async fn validators(
        &self,
        state: StateId,
        ids: &[ValidatorId],
        statuses: &[ValidatorStatus],
    ) -> Result<Vec<ValidatorData>> {
        let body = serde_json::json!({
            "ids": id_strings(ids),
            "statuses": statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        });
        let response = self
            .post(&format!("/eth/v1/beacon/states/{state}/validators"), &body)
            .await?;
        let bytes = response.bytes().await?;
        let e: Envelope<Vec<ValidatorData>> =
            serde_json::from_slice(&bytes).map_err(|source| BeaconError::Decode {
                what: "validators",
                source,
            })?;
        Ok(e.data)
    }

    async fn validator(&self, state: StateId, id: ValidatorId) -> Result<ValidatorData> {
        let e: Envelope<ValidatorData> = self
            .get(
                &format!("/eth/v1/beacon/states/{state}/validators/{id}"),
                "validator",
            )
            .await?;
        Ok(e.data)
    }

    async fn balances(&self, state: StateId, ids: &[ValidatorId]) -> Result<Vec<Balance>> {
        let response = self
            .post(
                &format!("/eth/v1/beacon/states/{state}/validator_balances"),
                &id_strings(ids),
            )
            .await?;
        let bytes = response.bytes().await?;
        let e: Envelope<Vec<Balance>> =
            serde_json::from_slice(&bytes).map_err(|source| BeaconError::Decode {
                what: "validator_balances",
                source,
            })?;
        Ok(e.data)
    }

    async fn finality_checkpoints(&self, state: StateId) -> Result<FinalityCheckpoints> {
        let e: Envelope<FinalityCheckpoints> = self
            .get(
                &format!("/eth/v1/beacon/states/{state}/finality_checkpoints"),
                "finality_checkpoints",
            )
            .await?;
        Ok(e.data)
    }

    async fn header(&self, block: BlockId) -> Result<HeaderData> {
        let e: Envelope<HeaderData> = self
            .get(&format!("/eth/v1/beacon/headers/{block}"), "header")
            .await?;
        Ok(e.data)
    }

    async fn submit_voluntary_exit(&self, exit: &SignedVoluntaryExit) -> Result<()> {
        self.post(
            "/eth/v1/beacon/pool/voluntary_exits",
            &exit.to_beacon_json(),
        )
        .await?;
        Ok(())
    }

    async fn withdrawals(
        &self,
        from_slot: u64,
        to_slot: u64,
        indices: &[u64],
    ) -> Result<Vec<Withdrawal>> {
        check_slot_range(from_slot, to_slot)?;
        let body = serde_json::json!({
            "from_slot": from_slot.to_string(),
            "to_slot": to_slot.to_string(),
            "indices": indices.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        match self.post("/puffer/v1/withdrawals", &body).await {
            Ok(response) => {
                let e: Envelope<Vec<Withdrawal>> = decode(response, "withdrawals").await?;
                Ok(e.data)
            }
            Err(BeaconError::Api {
                status: 404 | 405, ..
            }) => {
                debug!(
                    from_slot,
                    to_slot, "no range endpoint: reading the blocks one by one"
                );
                self.withdrawals_from_blocks(from_slot, to_slot, indices)
                    .await
            }
            Err(e) => Err(e),
        }
    }
}
