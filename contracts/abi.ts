/**
 * The ABIs the exchange calls in production: the router, the ERC-20 interface and the oracle.
 * Separate from artifacts.ts so Lambda bundles carry no mock contracts.
 */
import conversionRouter from './build/ConversionRouter.json' with { type: 'json' };
import ierc20 from './build/IERC20.json' with { type: 'json' };
import ipriceOracle from './build/IPriceOracle.json' with { type: 'json' };
import type { JsonAbi } from './artifacts.ts';

export const CONVERSION_ROUTER_ABI: JsonAbi = conversionRouter.abi;
export const IERC20_ABI: JsonAbi = ierc20.abi;
export const IPRICE_ORACLE_ABI: JsonAbi = ipriceOracle.abi;
