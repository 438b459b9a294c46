// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IRevenuePool} from "../../../contracts/interfaces/IRevenuePool.sol";
import {Eip712} from "./Eip712.sol";

/// @notice The RevenuePool's EIP-712 typed data (signed joins and claims), written out independently of the
/// contract so that the tests check the contract's hashing rather than reuse it.
library RevenueTypedData {
    bytes32 internal constant JOIN_TYPEHASH = keccak256(
        "JoinRequest(uint256 poolId,address member,uint32 weight,uint256 nonce,uint256 deadline)"
    );
    bytes32 internal constant CLAIM_TYPEHASH = keccak256(
        "ClaimRequest(uint256 poolId,address member,address to,uint256 fee,uint256 nonce,uint256 deadline)"
    );

    function domainSeparator(address pool) internal view returns (bytes32) {
        return Eip712.domainSeparator("RevenuePool", pool);
    }

    function joinDigest(address pool, IRevenuePool.JoinRequest memory request) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(JOIN_TYPEHASH, request.poolId, request.member, request.weight, request.nonce, request.deadline)
        );
        return Eip712.digest(domainSeparator(pool), structHash);
    }

    function claimDigest(address pool, IRevenuePool.ClaimRequest memory request) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                CLAIM_TYPEHASH,
                request.poolId,
                request.member,
                request.to,
                request.fee,
                request.nonce,
                request.deadline
            )
        );
        return Eip712.digest(domainSeparator(pool), structHash);
    }
}
