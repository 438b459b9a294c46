// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice What every invariant handler here counts: each action's outcome is predicted by the handler's model,
/// and the invariant test requires `mismatches == 0`.
/// @dev Keep each handler in the same file as its invariant test (see CONTRIBUTING.md, "Known pitfalls"); this
/// abstract base is only imported.
abstract contract HandlerBase {
    /// @notice Actions whose outcome (success, which error, or an amount) differed from the model's prediction.
    uint256 public mismatches;
    /// @notice Successful state changes made, and refusals correctly predicted (to see the campaign work).
    uint256 public changes;
    uint256 public refusals;

    /// @dev A refusal is as predicted only if one was predicted (`expected` non-empty) and the data match.
    function _expectError(bytes memory reason, bytes memory expected) internal {
        if (expected.length != 0 && keccak256(reason) == keccak256(expected)) {
            ++refusals;
        } else {
            ++mismatches;
        }
    }
}
