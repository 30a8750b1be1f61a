// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title The beacon-chain deposit contract's interface (the subset of the official contract Puffer uses).
/// @notice Names follow the official contract (snake_case) so the same interface fits mainnet.
interface IDepositContract {
    /// @notice Emitted for every deposit; the amount and index are 8-byte little-endian.
    event DepositEvent(
        bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index
    );

    /// @notice Deposits `msg.value` for `pubkey`; reverts unless `deposit_data_root` is the data's hash tree root.
    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable;

    /// @notice The root of the deposit tree, mixed in with the deposit count.
    function get_deposit_root() external view returns (bytes32);

    /// @notice The deposit count as 8 little-endian bytes.
    function get_deposit_count() external view returns (bytes memory);
}
