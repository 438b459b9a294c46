import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";

/** Awaits a promise that must reject with `type`, whose message contains `fragment`; returns the error. */
export async function expectRejection<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  fragment: string,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    expect((error as Error).message).to.contain(fragment);
    return error as E;
  }
  expect.fail(`expected a ${type.name} containing "${fragment}", but the call succeeded`);
}

/** Runs `fn`, which must throw synchronously, and returns what it threw. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to throw");
}

/** The gas a transaction used, once mined: for gas-budget assertions. */
export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  return (await (await tx).wait())!.gasUsed;
}
