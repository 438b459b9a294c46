// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {TestBase} from "./TestBase.sol";

/// @notice The part of Foundry's `StdInvariant` these tests need, hand-written (no forge-std here).
/// @dev Hardhat 3's EDR follows Foundry's protocol: before an invariant campaign it calls the test
/// contract's `targetContracts()` (and, if defined, `excludeContracts()`, `targetSelectors()`,
/// `targetSenders()`, ...). Without targets, every contract deployed in `setUp` would be fuzzed directly.
abstract contract InvariantBase is TestBase {
    address[] private _targetedContracts;

    /// @notice The contracts whose non-view functions the invariant fuzzer calls at random.
    function targetContracts() public view returns (address[] memory) {
        return _targetedContracts;
    }

    function _targetContract(address target) internal {
        _targetedContracts.push(target);
    }
}
