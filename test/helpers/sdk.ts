import { expect } from "chai";

/**
 * Checks that every custom error in `abi`, and every name in `alsoRaised` (errors that reach the client from
 * elsewhere: the payment token, a library), has a non-empty plain-language explanation. Returns the ABI's error
 * names, for a check on their count.
 */
export function expectEveryErrorExplained(
  abi: readonly { readonly type: string; readonly name?: string }[],
  explanations: Readonly<Record<string, string>>,
  alsoRaised: readonly string[] = [],
): string[] {
  const errors = abi.filter((item) => item.type === "error").map((item) => String(item.name));
  for (const name of [...errors, ...alsoRaised]) {
    expect(explanations[name], name).to.be.a("string").and.not.equal("");
  }
  return errors;
}
