//! The simulated node over HTTP: the Beacon API subset of [`BeaconNode`](crate::BeaconNode), with the API's
//! status codes and `{"code", "message"}` error bodies.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tracing::info;

use crate::error::BeaconError;
use crate::node::{BlockId, StateId, ValidatorId, check_slot_range};
use crate::sim::SharedNode;
use crate::types::{Balance, ClockAdvance, Envelope, ErrorBody};

impl IntoResponse for BeaconError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            code: status.as_u16(),
            message: self.to_string(),
        };
        (status, axum::Json(body)).into_response()
    }
}

type Reply = Result<Response, BeaconError>;

fn ok<T: serde::Serialize>(data: T) -> Reply {
    Ok(axum::Json(Envelope::head(data)).into_response())
}

/// The router serving the subset (see `docs/beacon.md`).
pub fn router(node: SharedNode) -> Router {
    Router::new()
        .route("/eth/v1/beacon/genesis", get(genesis))
        .route("/eth/v1/config/spec", get(spec))
        .route("/eth/v1/beacon/states/{state_id}/fork", get(fork))
        .route(
            "/eth/v1/beacon/states/{state_id}/validators",
            get(validators_get).post(validators_post),
        )
        .route(
            "/eth/v1/beacon/states/{state_id}/validators/{validator_id}",
            get(validator),
        )
        .route(
            "/eth/v1/beacon/states/{state_id}/validator_balances",
            get(balances_get).post(balances_post),
        )
        .route(
            "/eth/v1/beacon/states/{state_id}/finality_checkpoints",
            get(finality),
        )
        .route("/eth/v1/beacon/headers/{block_id}", get(header))
        .route("/eth/v1/beacon/pool/voluntary_exits", post(voluntary_exit))
        .route("/eth/v2/beacon/blocks/{block_id}", get(block))
        .route("/puffer/v1/withdrawals", post(withdrawals))
        .route("/puffer/v1/clock/advance", post(clock_advance))
        .route("/puffer/v1/validators/{index}/penalty", post(penalty))
        .with_state(node)
}

/// Serves `node` on `listener` until the task is dropped.
///
/// # Errors
/// I/O errors of the listener.
pub async fn serve(listener: tokio::net::TcpListener, node: SharedNode) -> std::io::Result<()> {
    let addr: Option<SocketAddr> = listener.local_addr().ok();
    info!(?addr, "beacon API listening");
    axum::serve(listener, router(node)).await
}

async fn genesis(State(node): State<SharedNode>) -> Reply {
    ok(node.lock().genesis())
}

async fn spec(State(node): State<SharedNode>) -> Reply {
    ok(node.lock().spec().to_map())
}

async fn fork(State(node): State<SharedNode>, Path(state): Path<String>) -> Reply {
    ok(node.lock().fork(state.parse()?)?)
}

/// Splits `key=a,b&key=c` query values (commas may arrive as `%2C`).
fn query_values(query: Option<&str>, key: &str) -> Vec<String> {
    query
        .unwrap_or_default()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == key)
        .flat_map(|(_, v)| {
            v.replace("%2C", ",")
                .replace("%2c", ",")
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn parse_ids(ids: &[String]) -> Result<Vec<ValidatorId>, BeaconError> {
    ids.iter().map(|s| s.parse()).collect()
}

fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, BeaconError> {
    serde_json::from_slice(body).map_err(|e| BeaconError::BadRequest(e.to_string()))
}

fn validators(node: &SharedNode, state: &str, ids: &[String], statuses: &[String]) -> Reply {
    let state: StateId = state.parse()?;
    let ids = parse_ids(ids)?;
    ok(node.lock().validators(state, &ids, statuses)?)
}

async fn validators_get(
    State(node): State<SharedNode>,
    Path(state): Path<String>,
    RawQuery(query): RawQuery,
) -> Reply {
    let ids = query_values(query.as_deref(), "id");
    let statuses = query_values(query.as_deref(), "status");
    validators(&node, &state, &ids, &statuses)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidatorsBody {
    #[serde(default)]
    ids: Option<Vec<String>>,
    #[serde(default)]
    statuses: Option<Vec<String>>,
}

async fn validators_post(
    State(node): State<SharedNode>,
    Path(state): Path<String>,
    body: Bytes,
) -> Reply {
    let body: ValidatorsBody = if body.is_empty() {
        ValidatorsBody {
            ids: None,
            statuses: None,
        }
    } else {
        parse_body(&body)?
    };
    validators(
        &node,
        &state,
        &body.ids.unwrap_or_default(),
        &body.statuses.unwrap_or_default(),
    )
}

async fn validator(
    State(node): State<SharedNode>,
    Path((state, id)): Path<(String, String)>,
) -> Reply {
    ok(node.lock().validator(state.parse()?, id.parse()?)?)
}

fn balances(node: &SharedNode, state: &str, ids: &[String]) -> Reply {
    let state: StateId = state.parse()?;
    let ids = parse_ids(ids)?;
    ok(node.lock().balances(state, &ids)?)
}

async fn balances_get(
    State(node): State<SharedNode>,
    Path(state): Path<String>,
    RawQuery(query): RawQuery,
) -> Reply {
    balances(&node, &state, &query_values(query.as_deref(), "id"))
}

async fn balances_post(
    State(node): State<SharedNode>,
    Path(state): Path<String>,
    body: Bytes,
) -> Reply {
    let ids: Vec<String> = if body.is_empty() {
        Vec::new()
    } else {
        parse_body(&body)?
    };
    balances(&node, &state, &ids)
}

async fn finality(State(node): State<SharedNode>, Path(state): Path<String>) -> Reply {
    ok(node.lock().finality_checkpoints(state.parse()?)?)
}

async fn header(State(node): State<SharedNode>, Path(block): Path<String>) -> Reply {
    let block: BlockId = block.parse()?;
    ok(node.lock().header(block)?)
}

async fn voluntary_exit(State(node): State<SharedNode>, body: Bytes) -> Reply {
    let exit: puffer_keys::exit::BeaconSignedExit = parse_body(&body)?;
    let exit = exit
        .parse()
        .map_err(|e| BeaconError::BadRequest(e.to_string()))?;
    node.lock().submit_voluntary_exit(&exit)?;
    Ok(StatusCode::OK.into_response())
}

async fn block(State(node): State<SharedNode>, Path(block): Path<String>) -> Reply {
    let block: BlockId = block.parse()?;
    let response = node.lock().block(block)?;
    Ok(axum::Json(response).into_response())
}

/// `{"data": …}` without the state flags: the simulator-only endpoints.
fn data<T: serde::Serialize>(data: T) -> Reply {
    Ok(axum::Json(Envelope {
        data,
        execution_optimistic: None,
        finalized: None,
    })
    .into_response())
}

/// A JSON object body whose keys are all in `allowed`.
fn object_body(
    body: &[u8],
    allowed: &[&str],
) -> Result<serde_json::Map<String, serde_json::Value>, BeaconError> {
    let value: serde_json::Value = parse_body(body)?;
    let serde_json::Value::Object(map) = value else {
        return Err(BeaconError::BadRequest("expected a JSON object".into()));
    };
    if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(BeaconError::BadRequest(format!(
            "unknown field {unknown:?}; expected {}",
            allowed.join(", ")
        )));
    }
    Ok(map)
}

/// A decimal-string integer in `value`, or a 400 naming `field`.
fn decimal(field: &'static str, value: &serde_json::Value) -> Result<u64, BeaconError> {
    let invalid = || BeaconError::InvalidField {
        field,
        value: value.to_string(),
    };
    let text = value.as_str().ok_or_else(invalid)?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    text.parse().map_err(|_| invalid())
}

/// The required decimal-string field `field` of `map`.
fn required(
    map: &serde_json::Map<String, serde_json::Value>,
    field: &'static str,
) -> Result<u64, BeaconError> {
    let value = map
        .get(field)
        .ok_or_else(|| BeaconError::BadRequest(format!("missing field {field:?}")))?;
    decimal(field, value)
}

/// Simulator only: `{"from_slot":"A","to_slot":"B","indices":["1",…]}` → the withdrawals paid in `A..B`.
async fn withdrawals(State(node): State<SharedNode>, body: Bytes) -> Reply {
    let map = object_body(&body, &["from_slot", "to_slot", "indices"])?;
    let from_slot = required(&map, "from_slot")?;
    let to_slot = required(&map, "to_slot")?;
    let indices = match map.get("indices") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|v| decimal("indices", v))
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(BeaconError::InvalidField {
                field: "indices",
                value: other.to_string(),
            });
        }
    };
    check_slot_range(from_slot, to_slot)?;
    data(node.lock().withdrawals(from_slot, to_slot, &indices))
}

/// The longest jump one `clock/advance` call takes (a year), so a typo cannot stall the node for hours.
pub const MAX_CLOCK_ADVANCE_SECONDS: u64 = 31_557_600;

/// Simulator only: `{"seconds":"N"}` → advance the clock offset and process up to the new wall-clock slot.
async fn clock_advance(State(node): State<SharedNode>, body: Bytes) -> Reply {
    let map = object_body(&body, &["seconds"])?;
    let seconds = required(&map, "seconds")?;
    if seconds > MAX_CLOCK_ADVANCE_SECONDS {
        return Err(BeaconError::BadRequest(format!(
            "seconds {seconds} is more than one call may advance ({MAX_CLOCK_ADVANCE_SECONDS}); split it"
        )));
    }
    // Processing a week of epochs takes a moment: off the async workers.
    let answer = tokio::task::spawn_blocking(move || {
        let mut n = node.lock();
        n.advance_clock(seconds);
        let slot = n.slot_at(unix_now());
        n.advance_to_slot(slot);
        ClockAdvance {
            slot: n.slot(),
            offset_seconds: n.clock_offset(),
        }
    })
    .await
    .map_err(|e| BeaconError::Internal(format!("clock task failed: {e}")))?;
    info!(seconds, slot = answer.slot, "clock advanced over HTTP");
    data(answer)
}

/// Simulator only: `{"gwei":"N"}` → lower validator `index`'s balance; answers its new balance.
async fn penalty(State(node): State<SharedNode>, Path(index): Path<String>, body: Bytes) -> Reply {
    let index = match index.parse::<ValidatorId>()? {
        ValidatorId::Index(i) => i,
        ValidatorId::Pubkey(_) => return Err(BeaconError::InvalidValidatorId(index)),
    };
    let map = object_body(&body, &["gwei"])?;
    let gwei = required(&map, "gwei")?;
    let mut n = node.lock();
    n.penalize(index, gwei)?;
    let v = n.validator(StateId::Head, ValidatorId::Index(index))?;
    data(Balance {
        index,
        balance: v.balance,
    })
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
