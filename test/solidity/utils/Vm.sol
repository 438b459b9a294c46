// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice The few Foundry cheatcodes these tests use, as served by Hardhat 3's EDR at `VM_ADDRESS`.
/// @dev Hand-written (no forge-std in this project); signatures must match Foundry's exactly.
interface Vm {
    function warp(uint256 newTimestamp) external;

    function deal(address account, uint256 newBalance) external;

    function prank(address msgSender) external;

    function startPrank(address msgSender) external;

    function stopPrank() external;

    function expectRevert(bytes calldata revertData) external;

    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData, address emitter) external;

    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);

    function addr(uint256 privateKey) external pure returns (address keyAddr);

    function assume(bool condition) external pure;
}

/// @dev `address(uint160(uint256(keccak256("hevm cheat code"))))`.
address constant VM_ADDRESS = 0x7109709ECfa91a80626fF3989D68f67F5b1DD12D;

Vm constant VM = Vm(VM_ADDRESS);
