/**
 * The JSON-RPC calls the ledger makes, over whatever provider the caller has: an EIP-1193 provider
 * (`request({ method, params })`: Hardhat's in-process chain, a browser wallet, viem's transports), an
 * object with `send(method, params)` (ethers' `JsonRpcProvider`, Hardhat's ethers provider), or an HTTP(S)
 * URL, which is read with `fetch` ({@link HttpJsonRpc}).
 *
 * @module
 */
import { AbiCoder } from "ethers";
import { CitizenDataError } from "../errors.js";
import type { RawLog } from "./decode.js";

/** An EIP-1193 provider. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
}

/** A provider with ethers' `send(method, params)`. */
export interface SendProvider {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** What the ledger reads the chain through. A string is an HTTP(S) JSON-RPC URL. */
export type LedgerProvider = Eip1193Provider | SendProvider | string;

/** A block's number, hash and time. */
export interface BlockRef {
  number: number;
  hash: string;
  time: number;
}

/** The RPC endpoint could not be reached or answered with an error. */
export class RpcError extends CitizenDataError {}

/**
 * A JSON-RPC client over HTTP(S) with the platform's `fetch`, as an EIP-1193 provider. The ledger uses it for
 * a URL rather than an ethers `JsonRpcProvider`, which decodes each response's UTF-8 in JavaScript: a
 * 46 MiB `eth_getLogs` answer (60,000 logs) took 19 to 25 s through it against about 1 s here (measured with
 * `npm run bench:ledger -- --compare-ethers`). An ethers provider passed in still works, only slower on
 * large ranges.
 */
export class HttpJsonRpc implements Eip1193Provider {
  private nextId = 1;

  constructor(
    readonly url: string,
    private readonly timeoutMs = 120_000,
  ) {}

  async request(args: { method: string; params?: unknown[] | object }): Promise<unknown> {
    const response = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: this.nextId++,
        method: args.method,
        params: args.params ?? [],
      }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      const text = (await response.text()).slice(0, 500);
      throw Object.assign(new Error(`HTTP ${response.status} ${response.statusText}: ${text}`), {
        code: response.status,
      });
    }
    const body = (await response.json()) as {
      result?: unknown;
      error?: { code?: number; message?: string; data?: unknown };
    };
    if (body.error) {
      throw Object.assign(new Error(body.error.message ?? "JSON-RPC error"), {
        code: body.error.code,
        data: body.error.data,
      });
    }
    return body.result;
  }
}

/**
 * Connects to a JSON-RPC URL: asks the endpoint for its chain id once, so that a wrong URL fails at once with
 * a clear message, and returns an EIP-1193 provider over it.
 *
 * @example
 * ```ts
 * const provider = await connectUrl("http://127.0.0.1:8545");
 * ```
 */
export async function connectUrl(url: string): Promise<HttpJsonRpc> {
  const client = new HttpJsonRpc(url);
  try {
    const chainId = await new HttpJsonRpc(url, 15_000).request({ method: "eth_chainId" });
    if (typeof chainId !== "string")
      throw new Error(`eth_chainId answered ${JSON.stringify(chainId)}`);
  } catch (cause) {
    throw new RpcError(`Cannot reach the JSON-RPC endpoint ${url}`, {
      details: `${cause instanceof Error ? cause.message : String(cause)}. Is the node running, and is the URL right?`,
      cause,
    });
  }
  return client;
}

/** The ledger's view of a JSON-RPC endpoint. */
export class Rpc {
  private constructor(private readonly provider: Eip1193Provider | SendProvider) {}

  /** Wraps a provider (a URL is connected first). */
  static async from(provider: LedgerProvider): Promise<Rpc> {
    if (typeof provider === "string") return new Rpc(await connectUrl(provider));
    if (
      !provider ||
      (typeof (provider as Eip1193Provider).request !== "function" &&
        typeof (provider as SendProvider).send !== "function")
    ) {
      throw new RpcError(
        "The ledger needs a JSON-RPC URL, an EIP-1193 provider or an object with send(method, params)",
      );
    }
    return new Rpc(provider);
  }

  /** One JSON-RPC call. */
  async call<T>(method: string, params: unknown[]): Promise<T> {
    const p = this.provider;
    if (typeof (p as Eip1193Provider).request === "function") {
      return (await (p as Eip1193Provider).request({ method, params })) as T;
    }
    return (await (p as SendProvider).send(method, params)) as T;
  }

  async chainId(): Promise<number> {
    return Number(BigInt(await this.call<string>("eth_chainId", [])));
  }

  async blockNumber(): Promise<number> {
    return Number(BigInt(await this.call<string>("eth_blockNumber", [])));
  }

  /** A block's hash and time, or `null` when the chain has no such block (it is shorter after a reorg). */
  async block(number: number): Promise<BlockRef | null> {
    const block = await this.call<{ hash: string; timestamp: string } | null>(
      "eth_getBlockByNumber",
      [`0x${number.toString(16)}`, false],
    );
    if (!block) return null;
    return { number, hash: block.hash.toLowerCase(), time: Number(BigInt(block.timestamp)) };
  }

  /** Every log of `addresses` in blocks `[from, to]`. */
  async logs(from: number, to: number, addresses: readonly string[]): Promise<RawLog[]> {
    return await this.call<RawLog[]>("eth_getLogs", [
      {
        address: addresses,
        fromBlock: `0x${from.toString(16)}`,
        toBlock: `0x${to.toString(16)}`,
      },
    ]);
  }

  /**
   * An ERC-20 token's symbol and decimals, best effort: `null` for what the token does not answer. The zero
   * address is the chain's native coin (18 decimals).
   */
  async tokenMetadata(
    address: string,
  ): Promise<{ symbol: string | null; decimals: number | null }> {
    if (/^0x0{40}$/i.test(address)) return { symbol: null, decimals: 18 };
    const coder = AbiCoder.defaultAbiCoder();
    const read = async (selector: string): Promise<string | null> => {
      try {
        const out = await this.call<string>("eth_call", [
          { to: address, data: selector },
          "latest",
        ]);
        return out && out !== "0x" ? out : null;
      } catch {
        return null;
      }
    };
    const [symbolData, decimalsData] = await Promise.all([read("0x95d89b41"), read("0x313ce567")]);
    let symbol: string | null = null;
    if (symbolData) {
      try {
        symbol = coder.decode(["string"], symbolData)[0] as string;
      } catch {
        // bytes32 symbols (old tokens): printable characters before the first zero byte.
        const text = Buffer.from(symbolData.slice(2, 66), "hex")
          .toString("latin1")
          .replace(/\0.*$/s, "");
        symbol = /^[\x20-\x7e]+$/.test(text) ? text : null;
      }
      if (symbol !== null) symbol = symbol.slice(0, 32);
    }
    let decimals: number | null = null;
    if (decimalsData) {
      try {
        const d = Number(coder.decode(["uint8"], decimalsData)[0]);
        decimals = d <= 77 ? d : null;
      } catch {
        decimals = null;
      }
    }
    return { symbol, decimals };
  }
}
