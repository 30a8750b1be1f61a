// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title Wrapped Ether, as the canonical WETH9 contract implements it.
interface IWETH is IERC20 {
    /// @notice Wraps `msg.value` ETH into as much WETH for the caller.
    function deposit() external payable;

    /// @notice Unwraps `amount` WETH of the caller and sends the ETH to the caller.
    function withdraw(uint256 amount) external;
}
