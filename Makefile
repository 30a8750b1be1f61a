# Puffer's single entry point. `make demo` and `make test` work on a fresh clone: both install the pinned
# toolchain first (scripts/setup, a fast no-op once done).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
ROOT := $(CURDIR)
export PATH := $(ROOT)/contracts/node_modules/.bin:$(PATH)
FORGE := cd contracts && forge

.PHONY: help setup demo demo-anvil test check fmt lint test-contracts test-rust contracts contracts-check bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

setup: ## Install the pinned EVM toolchain (forge, anvil, cast, solc, OpenZeppelin) from npm
	@scripts/setup

demo: ## The simulator's default scenario: one protocol-year with the real contracts; prints where the report is
	cargo run --locked -p puffer-cli -- sim --out target/sim

demo-anvil: setup ## The forge-script deployment on a throw-away anvil and a staker walk-through with cast
	@scripts/demo

test: setup check test-contracts test-rust ## Every check and every test (what CI runs)

check: setup ## Formatting and lints: cargo fmt, clippy -D warnings, forge fmt
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	$(FORGE) fmt --check

fmt: setup ## Format Rust and Solidity in place
	cargo fmt --all
	$(FORGE) fmt

test-contracts: contracts-check ## Forge tests (unit, fuzz, invariant)
	$(FORGE) test

test-rust: setup ## Doc tests, then every cargo test through nextest (its summary is the last line)
	cargo test --workspace --locked --doc --quiet
	cargo nextest run --workspace --locked --no-fail-fast

contracts: setup ## Build the contracts and rewrite the committed artifacts in crates/puffer-contracts
	$(FORGE) build
	cargo xtask artifacts

contracts-check: setup ## Fail when the committed artifacts differ from what the sources compile to
	$(FORGE) build
	cargo xtask artifacts --check

bench: setup ## Run every benchmark and rewrite BENCHMARKS.md
	@scripts/bench

clean: ## Remove build outputs (keeps the installed toolchain)
	cargo clean
	rm -rf contracts/out contracts/cache
