/**
 * The few ERC-20 (and EIP-2612, ERC-5267) calls the SDK's clients make on a payment token, typed, and the
 * errors a token may revert with. Internal to the SDK: not exported from `index.ts`.
 *
 * @module
 */
import {
  Contract,
  type ContractRunner,
  type ContractTransactionResponse,
  type Result,
} from "ethers";
import type { Hex } from "./dpv.js";

/**
 * The ERC-20 (and EIP-2612, ERC-5267) functions the clients call, and the errors a token may revert with
 * (ERC-6093, ERC-2612).
 *
 * @example
 * ```ts
 * const source: RevertSource = { contractName: "The payment token", abi: ERC20_ABI, explanations };
 * ```
 */
export const ERC20_ABI = [
  "function name() view returns (string)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function balanceOf(address account) view returns (uint256)",
  "function approve(address spender, uint256 value) returns (bool)",
  "function nonces(address owner) view returns (uint256)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
  "error ERC20InvalidSender(address sender)",
  "error ERC20InvalidReceiver(address receiver)",
  "error ERC20InvalidApprover(address approver)",
  "error ERC20InvalidSpender(address spender)",
  "error ERC2612ExpiredSignature(uint256 deadline)",
  "error ERC2612InvalidSigner(address signer, address owner)",
  "error InvalidAccountNonce(address account, uint256 currentNonce)",
] as const;

/**
 * The few ERC-20 calls the clients make, typed.
 *
 * @example
 * ```ts
 * const allowance = await new Erc20(token, runner).allowance(owner, spender);
 * ```
 */
export class Erc20 {
  private readonly token: Contract;

  constructor(address: Hex, runner: ContractRunner | null) {
    this.token = new Contract(address, ERC20_ABI, runner);
  }

  async allowance(owner: Hex, spender: Hex): Promise<bigint> {
    const value: bigint = await this.token.getFunction("allowance")(owner, spender);
    return value;
  }

  async balanceOf(account: Hex): Promise<bigint> {
    const value: bigint = await this.token.getFunction("balanceOf")(account);
    return value;
  }

  async name(): Promise<string> {
    const value: string = await this.token.getFunction("name")();
    return value;
  }

  async nonces(owner: Hex): Promise<bigint> {
    const value: bigint = await this.token.getFunction("nonces")(owner);
    return value;
  }

  async eip712Domain(): Promise<{ name: string; version: string; chainId: bigint }> {
    const d: Result = await this.token.getFunction("eip712Domain")();
    return {
      name: String(d.getValue("name")),
      version: String(d.getValue("version")),
      chainId: BigInt(d.getValue("chainId") as bigint),
    };
  }

  async approve(spender: Hex, value: bigint): Promise<ContractTransactionResponse> {
    const tx: ContractTransactionResponse = await this.token.getFunction("approve")(spender, value);
    return tx;
  }
}
