// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

import {IWETH} from "../interfaces/IWETH.sol";

/// @title DevWETH: Wrapped Ether for development chains only.
/// @notice Behaves like the canonical WETH9 for what Puffer uses (1:1 wrap and unwrap). Production deployments use
/// the canonical WETH; this contract is never deployed to mainnet.
contract DevWETH is ERC20, IWETH {
    /// @dev Thrown when sending unwrapped ETH back fails.
    error DevWETHTransferFailed(address to, uint256 amount);

    /// @notice Emitted when `owner` wraps `amount` ETH.
    event Wrapped(address indexed owner, uint256 amount);
    /// @notice Emitted when `owner` unwraps `amount` WETH.
    event Unwrapped(address indexed owner, uint256 amount);

    constructor() ERC20("Wrapped Ether", "WETH") {}

    /// @notice Wraps ETH sent without calldata.
    receive() external payable {
        deposit();
    }

    /// @inheritdoc IWETH
    function deposit() public payable {
        _mint(msg.sender, msg.value);
        emit Wrapped(msg.sender, msg.value);
    }

    /// @inheritdoc IWETH
    function withdraw(uint256 amount) external {
        _burn(msg.sender, amount);
        emit Unwrapped(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert DevWETHTransferFailed(msg.sender, amount);
    }
}
