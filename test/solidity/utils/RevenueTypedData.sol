// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IRevenuePool} from "../../../contracts/interfaces/IRevenuePool.sol";
import {VM} from "./Vm.sol";

/// @notice The RevenuePool's EIP-712 typed data (signed joins and claims), written out independently of the
/// contract so that the tests check the contract's hashing rather than reuse it.
library RevenueTypedData {
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 internal constant JOIN_TYPEHASH = keccak256(
        "JoinRequest(uint256 poolId,address member,uint32 weight,uint256 nonce,uint256 deadline)"
    );
    bytes32 internal constant CLAIM_TYPEHASH = keccak256(
        "ClaimRequest(uint256 poolId,address member,address to,uint256 fee,uint256 nonce,uint256 deadline)"
    );

    function domainSeparator(address pool) internal view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("RevenuePool"), keccak256("1"), block.chainid, pool));
    }

    function joinDigest(address pool, IRevenuePool.JoinRequest memory request) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(JOIN_TYPEHASH, request.poolId, request.member, request.weight, request.nonce, request.deadline)
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(pool), structHash));
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
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(pool), structHash));
    }

    /// @notice A 65-byte `r || s || v` signature of `digest` by `privateKey` (Hardhat's EDR serves `sign`).
    function sign(uint256 privateKey, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(privateKey, digest);
        return abi.encodePacked(r, s, v);
    }
}
