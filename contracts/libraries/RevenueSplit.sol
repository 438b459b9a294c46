// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title RevenueSplit
/// @notice Integer arithmetic of revenue shares in basis points, exact to the wei.
/// @dev Shares are computed on running totals, not on each payment: a party's entitlement after payments
/// totalling `T` is `floor(T * bps / BPS)`, and one payment's share is the increase of that floor. Every party,
/// including the one that takes "the rest", gets its own floor, so no entitlement ever decreases and the shares
/// of successive payments add up to the share of their total. The floors of parties whose basis points add up
/// to `BPS` leave at most one wei per party minus one unassigned; that remainder is carried, not lost: it is
/// assigned as the total grows. Nothing is created and nothing is lost.
library RevenueSplit {
    /// @notice 100% in basis points.
    uint256 internal constant BPS = 10_000;

    /// @notice `floor(total * bps / BPS)`.
    function shareOf(uint256 total, uint256 bps) internal pure returns (uint256) {
        return (total * bps) / BPS;
    }

    /// @notice The share of a payment that raises the running total from `totalBefore` to `totalAfter`.
    /// @dev Never negative: the floor is monotonic in the total.
    function shareOfIncrease(uint256 totalBefore, uint256 totalAfter, uint256 bps) internal pure returns (uint256) {
        return shareOf(totalAfter, bps) - shareOf(totalBefore, bps);
    }
}
