// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {VM} from "./Vm.sol";

/// @notice The EIP-712 pieces every signed request shares (domain separator, digest, signature), written out
/// independently of OpenZeppelin's `EIP712` so that the tests check the contracts' hashing rather than reuse it.
library Eip712 {
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );

    /// @notice The domain separator of the contract at `verifyingContract` named `name`, version "1", on this chain.
    function domainSeparator(string memory name, address verifyingContract) internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(DOMAIN_TYPEHASH, keccak256(bytes(name)), keccak256("1"), block.chainid, verifyingContract)
            );
    }

    /// @notice The digest a signer signs: `keccak256("\x19\x01" || domainSeparator || structHash)`.
    function digest(bytes32 separator, bytes32 structHash) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", separator, structHash));
    }

    /// @notice A 65-byte `r || s || v` signature of `hash` by `privateKey` (Hardhat's EDR serves `sign`).
    function sign(uint256 privateKey, bytes32 hash) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(privateKey, hash);
        return abi.encodePacked(r, s, v);
    }
}
