// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @notice Test-only smart-contract wallet: an ERC-1271 signer controlled by one EOA, which can be told
/// to refuse every signature (a wallet whose answer changes) and can call other contracts for its owner.
contract MockSmartWallet is IERC1271 {
    address public immutable owner;
    bool public accepting = true;

    error MockSmartWalletNotOwner(address caller);

    constructor(address owner_) {
        owner = owner_;
    }

    function setAccepting(bool accepting_) external {
        if (msg.sender != owner) revert MockSmartWalletNotOwner(msg.sender);
        accepting = accepting_;
    }

    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != owner) revert MockSmartWalletNotOwner(msg.sender);
        return Address.functionCall(target, data);
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        if (accepting && err == ECDSA.RecoverError.NoError && signer == owner) {
            return IERC1271.isValidSignature.selector;
        }
        return 0xffffffff;
    }
}
