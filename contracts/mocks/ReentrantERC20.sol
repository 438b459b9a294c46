// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @notice Test-only token that, once armed, calls `reentryTarget` from its next transfer, bubbling any revert.
contract ReentrantERC20 is ERC20 {
    address public reentryTarget;
    bytes public reentryData;
    bool public onTransferFrom;
    bool public onTransfer;

    constructor() ERC20("Reentrant Token", "RET") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the callback: `target_` is called with `data_` during the next hooked transfer.
    function arm(address target_, bytes calldata data_, bool onTransferFrom_, bool onTransfer_) external {
        reentryTarget = target_;
        reentryData = data_;
        onTransferFrom = onTransferFrom_;
        onTransfer = onTransfer_;
    }

    function disarm() external {
        _disarm();
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (onTransfer) _reenter();
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (onTransferFrom) _reenter();
        return super.transferFrom(from, to, value);
    }

    function _reenter() private {
        address callee = reentryTarget;
        bytes memory callData = reentryData;
        _disarm();
        Address.functionCall(callee, callData);
    }

    function _disarm() private {
        delete reentryTarget;
        delete reentryData;
        delete onTransferFrom;
        delete onTransfer;
    }
}
