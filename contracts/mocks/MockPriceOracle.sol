// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IPriceOracle} from "../interfaces/IPriceOracle.sol";

/// @notice Test oracle at a settable rational rate: quote = ceil(acuAmount * avlPerAcuNum / avlPerAcuDen).
/// Rounds up, as the seed's burns do: a conversion never burns less AVL than the rate asks.
contract MockPriceOracle is IPriceOracle {
    address public immutable owner;
    uint256 public avlPerAcuNum;
    uint256 public avlPerAcuDen;

    event RateUpdated(uint256 num, uint256 den);

    constructor(uint256 num, uint256 den) {
        owner = msg.sender;
        _setRate(num, den);
    }

    /// @dev A zero numerator is allowed on purpose: it makes every quote zero, which the router must refuse.
    function setRate(uint256 num, uint256 den) external {
        require(msg.sender == owner, "not owner");
        _setRate(num, den);
    }

    function quoteAVLforACU(uint256 acuAmount) external view returns (uint256) {
        uint256 n = acuAmount * avlPerAcuNum;
        return n == 0 ? 0 : (n - 1) / avlPerAcuDen + 1;
    }

    function _setRate(uint256 num, uint256 den) private {
        require(den > 0, "zero denominator");
        avlPerAcuNum = num;
        avlPerAcuDen = den;
        emit RateUpdated(num, den);
    }
}
