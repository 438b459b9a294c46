// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @notice Test-only account whose `receive` calls `reentryTarget` (when set) and reverts if that call fails.
contract ReentrantReceiver {
    address public reentryTarget;
    bytes public reentryData;

    function setReentry(address target_, bytes calldata data_) external {
        reentryTarget = target_;
        reentryData = data_;
    }

    function execute(address callee, bytes calldata callData) external payable returns (bytes memory) {
        return Address.functionCallWithValue(callee, callData, msg.value);
    }

    receive() external payable {
        if (reentryTarget != address(0)) Address.functionCall(reentryTarget, reentryData);
    }
}
