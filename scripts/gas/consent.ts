import { Wallet, id, keccak256, toBeHex, type ContractTransactionResponse } from "ethers";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { ConsentRegistry } from "../../typechain-types/index.js";
import {
  consentTypedData,
  type ConsentPrimaryType,
  type ConsentRequests,
} from "../../sdk/consent-typed-data.js";
import type { GasMeasurement } from "./types.js";

type Hex = `0x${string}`;
const FAR_FUTURE = 2n ** 40n - 1n;
const byValue = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : 1);

/** Measures every ConsentRegistry operation on a fresh deployment. */
export async function measureConsentRegistry(ethers: HardhatEthers): Promise<GasMeasurement[]> {
  const [deployer, citizen, city, operator, relayer] = await ethers.getSigners();
  if (!deployer || !citizen || !city || !operator || !relayer)
    throw new Error("the gas report needs 5 accounts");
  const registry: ConsentRegistry = await ethers.deployContract("ConsentRegistry");
  const { chainId } = await ethers.provider.getNetwork();
  const domain = {
    name: "ConsentRegistry",
    version: "1",
    chainId,
    verifyingContract: (await registry.getAddress()) as Hex,
  };
  const purpose = id("https://w3id.org/dpv#ResearchAndDevelopment") as Hex;
  const categories = [
    id("https://w3id.org/dpv/pd#Location"),
    id("https://w3id.org/dpv/pd#Age"),
  ].sort(byValue) as Hex[];
  const receipt = id("receipt") as Hex;
  const results: GasMeasurement[] = [];

  const gasOf = async (tx: Promise<ContractTransactionResponse>) =>
    (await (await tx).wait())!.gasUsed;
  const sign = async <P extends ConsentPrimaryType>(
    wallet: Wallet,
    type: P,
    message: ConsentRequests[P],
  ) => {
    const typed = consentTypedData(domain, type, message);
    const types = typed.types as unknown as Record<string, { name: string; type: string }[]>;
    return (await wallet.signTypedData(typed.domain, types, { ...typed.message })) as Hex;
  };

  results.push({
    key: "ConsentRegistry.registerCategorySet",
    gas: await gasOf(registry.registerCategorySet(categories)),
    note: "a consent form's set of 2 categories, registered once for all citizens",
  });
  results.push({
    key: "ConsentRegistry.grant",
    gas: await gasOf(
      registry.connect(citizen).grant(city.address, purpose, categories, FAR_FUTURE, receipt),
    ),
    target: 60_000n,
    note: "a citizen's first consent, 2 categories of a registered set",
  });
  results.push({
    key: "ConsentRegistry.grant.replace",
    gas: await gasOf(
      registry.connect(citizen).grant(city.address, purpose, categories, FAR_FUTURE, receipt),
    ),
    note: "granting the same consent again (new receipt or expiry)",
  });
  results.push({
    key: "ConsentRegistry.withdraw",
    gas: await gasOf(registry.connect(citizen).withdraw(citizen.address, city.address, purpose)),
    target: 35_000n,
    note: "the citizen withdraws one consent",
  });
  results.push({
    key: "ConsentRegistry.withdrawAll.first",
    gas: await gasOf(registry.connect(citizen).withdrawAll(citizen.address)),
    note: "a citizen's first withdraw-all when it never appointed an operator: writes its state slot for the first time",
  });
  results.push({
    key: "ConsentRegistry.withdrawAll",
    gas: await gasOf(registry.connect(citizen).withdrawAll(citizen.address)),
    target: 35_000n,
    note: "withdraw-all, whatever the number of consents, by a citizen whose state slot exists",
  });
  results.push({
    key: "ConsentRegistry.setOperator",
    gas: await gasOf(registry.connect(citizen).setOperator(operator.address)),
    note: "appoint an operator",
  });
  await registry.connect(citizen).grant(city.address, purpose, categories, FAR_FUTURE, receipt);
  results.push({
    key: "ConsentRegistry.withdraw.byOperator",
    gas: await gasOf(registry.connect(operator).withdraw(citizen.address, city.address, purpose)),
    note: "the operator withdraws for the citizen",
  });

  const deadline = FAR_FUTURE;
  const wallet = new Wallet(keccak256(toBeHex(1, 32)));
  const grant = {
    subject: wallet.address as Hex,
    grantee: city.address as Hex,
    purpose,
    categories,
    validUntil: FAR_FUTURE,
    receiptHash: receipt,
    nonce: 0n,
    epoch: 0,
    deadline,
  };
  results.push({
    key: "ConsentRegistry.grantBySig",
    gas: await gasOf(
      registry.connect(relayer).grantBySig(grant, await sign(wallet, "GrantRequest", grant)),
    ),
    target: 80_000n,
    note: "a citizen's first consent by EIP-712 signature, relayed by an operator",
  });
  const withdraw = {
    subject: wallet.address as Hex,
    grantee: city.address as Hex,
    purpose,
    nonce: 1n,
    deadline,
  };
  results.push({
    key: "ConsentRegistry.withdrawBySig",
    gas: await gasOf(
      registry
        .connect(relayer)
        .withdrawBySig(withdraw, await sign(wallet, "WithdrawRequest", withdraw)),
    ),
    note: "withdrawal by signature, relayed",
  });
  const all = { subject: wallet.address as Hex, nonce: 0n, deadline };
  results.push({
    key: "ConsentRegistry.withdrawAllBySig",
    gas: await gasOf(
      registry
        .connect(relayer)
        .withdrawAllBySig(all, await sign(wallet, "WithdrawAllRequest", all)),
    ),
    note: "withdraw-all by signature, relayed (first use of the citizen's state slot)",
  });

  const cohort: string[] = [];
  for (let i = 0; i < 1_000; i++) {
    const subject = new Wallet(keccak256(toBeHex(10_000 + i, 32)));
    cohort.push(subject.address);
    const request = { ...grant, subject: subject.address as Hex };
    await registry
      .connect(relayer)
      .grantBySig(request, await sign(subject, "GrantRequest", request));
  }
  const batch: string[] = [];
  for (let i = 0; i < 25; i++) {
    const subject = new Wallet(keccak256(toBeHex(20_000 + i, 32)));
    const request = { ...grant, subject: subject.address as Hex };
    batch.push(
      registry.interface.encodeFunctionData("grantBySig", [
        request,
        await sign(subject, "GrantRequest", request),
      ]),
    );
  }
  results.push({
    key: "ConsentRegistry.grantBySig.inBatchOf25",
    gas: (await gasOf(registry.connect(relayer).multicall(batch))) / 25n,
    note: "per consent, 25 citizens' first signed consents relayed in one multicall transaction",
  });
  const [firstCategory] = categories;
  results.push({
    key: "ConsentRegistry.isValidBatch.1000",
    gas: await registry.isValidBatch.estimateGas(cohort, city.address, purpose, firstCategory!),
    note: "cohort check of 1,000 subjects in one call (a view: estimated, paid by nobody)",
  });
  return results;
}
