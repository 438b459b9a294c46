// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Minimal assertion and input-clamping helpers for Solidity tests (this project has no forge-std).
/// @dev A failed assertion reverts with a custom error naming the check, which fails the test.
abstract contract TestBase {
    /// @notice A condition that should hold did not.
    error AssertionFailed(string message);

    /// @notice Two values that should be equal were not (values shown as bytes32).
    error AssertionNotEqual(string message, bytes32 left, bytes32 right);

    /// @notice `_bound` was asked for an empty range.
    error BoundInvalidRange(uint256 min, uint256 max);

    function _assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert AssertionFailed(message);
    }

    function _assertFalse(bool condition, string memory message) internal pure {
        if (condition) revert AssertionFailed(message);
    }

    function _assertEq(bool left, bool right, string memory message) internal pure {
        if (left != right) revert AssertionNotEqual(message, _word(left ? 1 : 0), _word(right ? 1 : 0));
    }

    function _assertEq(uint256 left, uint256 right, string memory message) internal pure {
        if (left != right) revert AssertionNotEqual(message, _word(left), _word(right));
    }

    function _assertEq(bytes32 left, bytes32 right, string memory message) internal pure {
        if (left != right) revert AssertionNotEqual(message, left, right);
    }

    function _assertEq(address left, address right, string memory message) internal pure {
        if (left != right) revert AssertionNotEqual(message, _word(uint160(left)), _word(uint160(right)));
    }

    function _assertEq(bytes32[] memory left, bytes32[] memory right, string memory message) internal pure {
        _assertEq(left.length, right.length, message);
        for (uint256 i = 0; i < left.length; ++i) {
            _assertEq(left[i], right[i], message);
        }
    }

    /// @dev Clamps `x` into `[min, max]`: values already inside are kept (so the fuzzer's boundary values
    /// survive), others are folded in by modulo.
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (min > max) revert BoundInvalidRange(min, max);
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    function _word(uint256 value) private pure returns (bytes32) {
        return bytes32(value);
    }
}
