// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {MockERC20} from "./MockERC20.sol";

/// @notice Test AVL: a MockERC20 whose one authorised burner (the router) may burn from any account. It has the
/// shape of IAVL without inheriting it (MockERC20 already brings IERC20 through ERC20).
contract MockAVL is MockERC20 {
    address public burner;

    event BurnerUpdated(address indexed oldBurner, address indexed newBurner);

    constructor(uint8 decimals_) MockERC20("Mock AVL", "AVL", decimals_) {}

    function setBurner(address newBurner) external onlyMinter {
        emit BurnerUpdated(burner, newBurner);
        burner = newBurner;
    }

    function burn(address from, uint256 amount) external {
        require(msg.sender == burner, "not burner");
        _burn(from, amount);
    }
}
