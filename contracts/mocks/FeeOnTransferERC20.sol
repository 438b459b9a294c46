// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only deflationary token: each transfer burns `feeBps` of the amount (switchable at any time).
contract FeeOnTransferERC20 is ERC20 {
    uint256 private constant _BPS = 10_000;

    uint256 public feeBps;

    error FeeOnTransferERC20FeeTooHigh(uint256 feeBps);

    constructor(uint256 feeBps_) ERC20("Fee On Transfer Token", "FOT") {
        _setFeeBps(feeBps_);
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFeeBps(uint256 feeBps_) external {
        _setFeeBps(feeBps_);
    }

    function _update(address from, address to, uint256 value) internal override {
        uint256 fee = (value * feeBps) / _BPS;
        if (from == address(0) || to == address(0) || fee == 0) {
            super._update(from, to, value);
            return;
        }
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }

    function _setFeeBps(uint256 feeBps_) private {
        if (feeBps_ > _BPS) revert FeeOnTransferERC20FeeTooHigh(feeBps_);
        feeBps = feeBps_;
    }
}
