// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";
import {IRevenuePool} from "../interfaces/IRevenuePool.sol";

/// @notice Test-only citizen: in its constructor, grants consent from its own address and joins a pool.
/// Enrolling thousands of members in a test costs a few transactions, not thousands.
contract CrowdMember {
    constructor(
        IConsentRegistry registry,
        IRevenuePool pool,
        uint256 poolId,
        address grantee,
        bytes32 purpose,
        bytes32[] memory categories,
        uint64 validUntil
    ) {
        registry.grant(grantee, purpose, categories, validUntil, keccak256(abi.encode(address(this))));
        pool.join(poolId);
    }
}
