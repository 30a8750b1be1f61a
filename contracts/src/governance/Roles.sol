// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Role ids used with Puffer's OpenZeppelin AccessManager.
/// @notice Who holds what:
///  - ADMIN (AccessManager's role 0): the TimelockController; it grants and revokes every other role.
///  - ROLE_DAO: the TimelockController, so every DAO action waits out the timelock delay.
///  - ROLE_PAUSER: an emergency multisig; may pause deposits, registrations and redemptions, never unpause.
///  - ROLE_PROTOCOL: the PufferProtocol contract; moves pool ETH to provision validators and back.
///  - ROLE_REPORTER: the SpurtReporter (it also holds ROLE_PROTOCOL for the pool's reserves, release and burn).
///  - PUBLIC (AccessManager's max uint64): anyone.
library Roles {
    /// @notice AccessManager's built-in admin role.
    uint64 internal constant ADMIN = 0;
    /// @notice Governance actions, executed by the TimelockController.
    uint64 internal constant ROLE_DAO = 1;
    /// @notice Emergency pause.
    uint64 internal constant ROLE_PAUSER = 2;
    /// @notice The PufferProtocol contract.
    uint64 internal constant ROLE_PROTOCOL = 3;
    /// @notice The SpurtReporter: settles exits and the burst share in the protocol, earmarks claims and takes the
    /// pools' ETH in strategies.
    uint64 internal constant ROLE_REPORTER = 4;
    /// @notice Anyone.
    uint64 internal constant PUBLIC = type(uint64).max;
}
