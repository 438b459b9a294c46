/**
 * What `npm run deploy` deploys, in order, and the calls it makes once afterwards. This is the one place to
 * add a contract: its TypeChain factory, its constructor arguments (from the inputs below and the addresses of
 * contracts earlier in the list) and, if it needs wiring, a step.
 */
import { z } from "zod";
import { ConsentRegistry__factory } from "../../typechain-types/factories/consent/ConsentRegistry__factory.js";
import { DataLicensing__factory } from "../../typechain-types/factories/licensing/DataLicensing__factory.js";
import { RevenuePool__factory } from "../../typechain-types/factories/revenue/RevenuePool__factory.js";
import { addressSchema, describeValue } from "../../sdk/json-input.js";
import { contractOf, type DeployPlan, type StepSpec } from "./engine.js";

type Hex = `0x${string}`;
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** The constructor inputs, checked. */
export interface DeployInputs {
  /** DataLicensing's owner: sets the platform fee and treasury (Ownable2Step). */
  owner: Hex;
  /** Where DataLicensing's platform fees are paid. */
  treasury: Hex;
  /** The platform fee, in basis points (at most 1,000 = 10%, the contract's cap). */
  feeBps: number;
}

/** Chain ids of local development chains, where the inputs default to the deployer. */
export const LOCAL_CHAIN_IDS: ReadonlySet<number> = new Set([31337, 1337]);

/** The environment variables the inputs are read from, with what each means (for messages and --help). */
export const INPUT_VARIABLES = {
  DATA_LICENSING_OWNER:
    "the account that owns DataLicensing (sets the platform fee and treasury); defaults to the deployer on a local chain",
  DATA_LICENSING_TREASURY:
    "the account DataLicensing pays platform fees to; defaults to the deployer on a local chain",
  DATA_LICENSING_FEE_BPS:
    "the platform fee in basis points, from 0 to 1000 (10%, the contract's cap); defaults to 0",
} as const;

const environmentSchema = z.object({
  DATA_LICENSING_OWNER: addressSchema({ nonZero: true }).optional(),
  DATA_LICENSING_TREASURY: addressSchema({ nonZero: true }).optional(),
  DATA_LICENSING_FEE_BPS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return 0;
      const fee = /^[0-9]{1,5}$/.test(value) ? Number(value) : Number.NaN;
      if (!(fee >= 0 && fee <= 1_000)) {
        ctx.addIssue({
          code: "custom",
          message: `must be a whole number of basis points from 0 to 1000 (10%, the contract's cap), got ${describeValue(value)}`,
        });
        return z.NEVER;
      }
      return fee;
    }),
});

/**
 * The inputs from environment variables (an empty string counts as unset). On a chain that is not local, the
 * owner and treasury must be given: a key used to deploy to a public network should not own the platform
 * by accident.
 *
 * @returns The inputs, or the problems, one per variable, each saying what to fix.
 */
export function inputsFromEnvironment(
  environment: Readonly<Record<string, string | undefined>>,
  context: { deployer: Hex; chainId: number },
): { inputs: DeployInputs } | { problems: string[] } {
  const values = Object.fromEntries(
    Object.keys(INPUT_VARIABLES).map((name) => [name, environment[name] || undefined]),
  );
  const parsed = environmentSchema.safeParse(values);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join(".")} ${issue.message}`);
    }
    return { problems };
  }
  const local = LOCAL_CHAIN_IDS.has(context.chainId);
  const pick = (name: "DATA_LICENSING_OWNER" | "DATA_LICENSING_TREASURY"): Hex | undefined => {
    const value = parsed.data[name];
    if (value !== undefined) return value;
    if (local) return context.deployer;
    problems.push(
      `${name} is not set: on chain ${context.chainId} (not a local chain) give ${INPUT_VARIABLES[name].replace(/; defaults.*$/, "")}`,
    );
    return undefined;
  };
  const owner = pick("DATA_LICENSING_OWNER");
  const treasury = pick("DATA_LICENSING_TREASURY");
  if (owner === undefined || treasury === undefined) return { problems };
  return { inputs: { owner, treasury, feeBps: parsed.data.DATA_LICENSING_FEE_BPS } };
}

/** The post-deploy steps: DataLicensing learns, once, which RevenuePool contract pool products pay into. */
const steps: StepSpec<DeployInputs>[] = [
  {
    name: "DataLicensing.setRevenuePool",
    description: ({ address }) =>
      `DataLicensing(${address("DataLicensing")}).setRevenuePool(${address("RevenuePool")})`,
    sender: async ({ address, provider }) =>
      (await DataLicensing__factory.connect(address("DataLicensing"), provider).owner()) as Hex,
    isDone: async ({ address, provider }) =>
      (await DataLicensing__factory.connect(address("DataLicensing"), provider).revenuePool()) ===
      address("RevenuePool"),
    conflict: async ({ address, provider }) => {
      const named = await DataLicensing__factory.connect(
        address("DataLicensing"),
        provider,
      ).revenuePool();
      if (named === ZERO_ADDRESS || named === address("RevenuePool")) return undefined;
      return (
        `DataLicensing ${address("DataLicensing")} already pays pool products into RevenuePool ${named}, ` +
        `and names it only once. A new RevenuePool needs a new DataLicensing: run again with --fresh.`
      );
    },
    send: ({ address }, signer) =>
      DataLicensing__factory.connect(address("DataLicensing"), signer).setRevenuePool(
        address("RevenuePool"),
      ),
  },
];

const contract = contractOf<DeployInputs>();

/** The project's deployment: the contracts in order, then the steps. */
export const PLAN: DeployPlan<DeployInputs> = {
  contracts: [
    contract("ConsentRegistry", ConsentRegistry__factory).withArgs(() => []),
    contract("DataLicensing", DataLicensing__factory).withArgs(({ inputs }) => [
      inputs.owner,
      inputs.treasury,
      inputs.feeBps,
    ]),
    contract("RevenuePool", RevenuePool__factory).withArgs(({ address }) => [
      address("ConsentRegistry"),
      address("DataLicensing"),
    ]),
  ],
  steps,
};
