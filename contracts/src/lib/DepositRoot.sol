// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title SSZ hash tree root of a beacon-chain `DepositData`, exactly as the official deposit contract computes it.
/// @notice `DepositData = {pubkey: Bytes48, withdrawal_credentials: Bytes32, amount: Gwei (uint64), signature:
/// Bytes96}`. Its hash tree root (SHA-256 throughout) is
///
///     pubkey_root    = sha256(pubkey ‖ 16 zero bytes)                      (48 bytes padded to two chunks)
///     signature_root = sha256(sha256(signature[0:64]) ‖ sha256(signature[64:96] ‖ 32 zero bytes))
///     root           = sha256(sha256(pubkey_root ‖ withdrawal_credentials)
///                             ‖ sha256(le64(amount) ‖ 24 zero bytes ‖ signature_root))
///
/// where `le64` is the 8-byte little-endian encoding. Shared by PufferProtocol (which computes the root itself
/// rather than trusting a caller) and the dev DepositContract.
library DepositRoot {
    /// @notice 32 ETH in gwei, little-endian in 8 bytes: 32e9 = 0x0773594000.
    bytes8 internal constant LE_32_ETH_GWEI = 0x0040597307000000;

    /// @notice The `DepositData` hash tree root for a deposit of `amountLE64` (little-endian gwei).
    /// @dev The caller checks the lengths (48 and 96 bytes); shorter input would read zero padding.
    function depositDataRoot(
        bytes calldata pubkey,
        bytes32 credentials,
        bytes calldata signature,
        bytes8 amountLE64
    ) internal pure returns (bytes32) {
        bytes32 pubkeyRoot = sha256(abi.encodePacked(pubkey, bytes16(0)));
        bytes32 signatureRoot = sha256(
            abi.encodePacked(
                sha256(abi.encodePacked(signature[:64])), sha256(abi.encodePacked(signature[64:], bytes32(0)))
            )
        );
        return sha256(
            abi.encodePacked(
                sha256(abi.encodePacked(pubkeyRoot, credentials)),
                sha256(abi.encodePacked(amountLE64, bytes24(0), signatureRoot))
            )
        );
    }

    /// @notice Withdrawal credentials of type 0x01 pointing at `withdrawalAddress`: `0x01 ‖ 11 zero bytes ‖ address`.
    function withdrawalCredentials(address withdrawalAddress) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(withdrawalAddress)) | (uint256(1) << 248));
    }

    /// @notice `value` as 8 little-endian bytes (SSZ `uint64`).
    function toLittleEndian64(uint64 value) internal pure returns (bytes8 le) {
        uint64 v = value;
        // Byte-swap a uint64: swap adjacent bytes, then 2-byte pairs, then 4-byte halves.
        v = ((v & 0xFF00FF00FF00FF00) >> 8) | ((v & 0x00FF00FF00FF00FF) << 8);
        v = ((v & 0xFFFF0000FFFF0000) >> 16) | ((v & 0x0000FFFF0000FFFF) << 16);
        v = (v >> 32) | (v << 32);
        le = bytes8(v);
    }
}
