// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only ERC-20 that refuses transfers to blocked accounts, as regulated stablecoins do.
contract BlocklistERC20 is ERC20 {
    mapping(address account => bool) public blocked;

    error BlocklistERC20Blocked(address account);

    constructor() ERC20("Blocklist Euro", "bEUR") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBlocked(address account, bool blocked_) external {
        blocked[account] = blocked_;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked[to]) revert BlocklistERC20Blocked(to);
        super._update(from, to, value);
    }
}
