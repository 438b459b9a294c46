// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";
import {CrowdMember} from "./CrowdMember.sol";
import {IRevenuePool} from "../interfaces/IRevenuePool.sol";

/// @notice Test-only: enrols `count` new members (each a {CrowdMember}) in a pool in one transaction.
contract PoolCrowd {
    function enrol(
        IConsentRegistry registry,
        IRevenuePool pool,
        uint256 poolId,
        address grantee,
        bytes32 purpose,
        bytes32[] calldata categories,
        uint64 validUntil,
        uint256 count
    ) external {
        for (uint256 i = 0; i < count; ++i) {
            new CrowdMember(registry, pool, poolId, grantee, purpose, categories, validUntil);
        }
    }
}
