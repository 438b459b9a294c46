// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IConsentRegistry} from "../../../contracts/interfaces/IConsentRegistry.sol";

/// @notice The ConsentRegistry's EIP-712 typed data, written out independently of the contract so that the
/// tests check the contract's hashing rather than reuse it.
library ConsentTypedData {
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 internal constant GRANT_TYPEHASH = keccak256(
        "GrantRequest(address subject,address grantee,bytes32 purpose,bytes32[] categories,uint64 validUntil,"
        "bytes32 receiptHash,uint64 nonce,uint32 epoch,uint256 deadline)"
    );
    bytes32 internal constant WITHDRAW_TYPEHASH = keccak256(
        "WithdrawRequest(address subject,address grantee,bytes32 purpose,uint64 nonce,uint256 deadline)"
    );
    bytes32 internal constant WITHDRAW_ALL_TYPEHASH = keccak256(
        "WithdrawAllRequest(address subject,uint64 nonce,uint256 deadline)"
    );
    bytes32 internal constant SET_OPERATOR_TYPEHASH = keccak256(
        "SetOperatorRequest(address subject,address operator,uint64 nonce,uint256 deadline)"
    );

    function grantStructHash(IConsentRegistry.GrantRequest memory request) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    GRANT_TYPEHASH,
                    request.subject,
                    request.grantee,
                    request.purpose,
                    keccak256(abi.encodePacked(request.categories)),
                    request.validUntil,
                    request.receiptHash,
                    request.nonce,
                    request.epoch,
                    request.deadline
                )
            );
    }

    function domainSeparator(address registry) internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(DOMAIN_TYPEHASH, keccak256("ConsentRegistry"), keccak256("1"), block.chainid, registry)
            );
    }

    function digest(address registry, bytes32 structHash) internal view returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(registry), structHash));
    }
}
