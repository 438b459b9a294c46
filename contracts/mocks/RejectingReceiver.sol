// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @notice Test-only account that refuses native coin until told to accept it; `execute` lets it buy.
contract RejectingReceiver {
    bool public accepting;

    error RejectingReceiverRefused(uint256 amount);

    function setAccepting(bool accepting_) external {
        accepting = accepting_;
    }

    function execute(address callee, bytes calldata callData) external payable returns (bytes memory) {
        return Address.functionCallWithValue(callee, callData, msg.value);
    }

    receive() external payable {
        if (!accepting) revert RejectingReceiverRefused(msg.value);
    }
}
