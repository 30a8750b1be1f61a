// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title DevAVS: an actively validated service that pays fees, for development chains only.
/// @notice Stands in for an AVS's fee payments to a restaking strategy: whoever funds it can have it pay a
/// strategy. Never deployed to mainnet, where AVSs pay through EigenLayer's rewards system.
contract DevAVS {
    /// @dev Thrown when a fee payment is for zero wei or more than the AVS holds.
    error DevAVSInvalidAmount(uint256 requested, uint256 available);
    /// @dev Thrown when the strategy refuses the payment.
    error DevAVSPaymentFailed(address strategy, uint256 amount);

    /// @notice Emitted when the AVS pays `amountWei` of fees to `strategy`.
    event FeesPaid(address indexed strategy, uint256 amountWei);
    /// @notice Emitted when someone funds the AVS.
    event Funded(address indexed from, uint256 amountWei);

    /// @notice The AVS's name, for logs and reports.
    string public name;

    constructor(string memory name_) {
        name = name_;
    }

    /// @notice Funds the AVS's fee budget.
    receive() external payable {
        emit Funded(msg.sender, msg.value);
    }

    /// @notice Pays `amountWei` of fees to `strategy`.
    function payFees(address strategy, uint256 amountWei) external {
        if (amountWei == 0 || amountWei > address(this).balance) {
            revert DevAVSInvalidAmount(amountWei, address(this).balance);
        }
        emit FeesPaid(strategy, amountWei);
        (bool ok,) = strategy.call{value: amountWei}("");
        if (!ok) revert DevAVSPaymentFailed(strategy, amountWei);
    }
}
