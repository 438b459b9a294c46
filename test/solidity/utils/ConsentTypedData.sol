// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IConsentRegistry} from "../../../contracts/interfaces/IConsentRegistry.sol";
import {Eip712} from "./Eip712.sol";

/// @notice The ConsentRegistry's EIP-712 typed data, written out independently of the contract so that the
/// tests check the contract's hashing rather than reuse it.
library ConsentTypedData {
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

    function withdrawStructHash(IConsentRegistry.WithdrawRequest memory request) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    WITHDRAW_TYPEHASH,
                    request.subject,
                    request.grantee,
                    request.purpose,
                    request.nonce,
                    request.deadline
                )
            );
    }

    function withdrawAllStructHash(IConsentRegistry.WithdrawAllRequest memory request) internal pure returns (bytes32) {
        return keccak256(abi.encode(WITHDRAW_ALL_TYPEHASH, request.subject, request.nonce, request.deadline));
    }

    function setOperatorStructHash(IConsentRegistry.SetOperatorRequest memory request) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(SET_OPERATOR_TYPEHASH, request.subject, request.operator, request.nonce, request.deadline)
            );
    }

    function domainSeparator(address registry) internal view returns (bytes32) {
        return Eip712.domainSeparator("ConsentRegistry", registry);
    }

    function digest(address registry, bytes32 structHash) internal view returns (bytes32) {
        return Eip712.digest(domainSeparator(registry), structHash);
    }
}
