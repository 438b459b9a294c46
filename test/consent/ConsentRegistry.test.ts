import { expect } from "chai";
import { network } from "hardhat";
import { AbiCoder, Wallet, keccak256, id, type ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ConsentRegistry } from "../../typechain-types/index.js";
import {
  CATEGORIES,
  CAT_A,
  CAT_B,
  CAT_C,
  FAR_FUTURE,
  OTHER_PURPOSE,
  PURPOSE,
  RECEIPT,
  domainOf,
  malleate,
  signRequest,
} from "../helpers/consent.js";
import { gasOf } from "../helpers/expect.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const now = async (): Promise<bigint> => BigInt(await time.latest());

type Hex = `0x${string}`;
const VIA = { Subject: 0n, Operator: 1n, Signature: 2n };

async function deployFixture() {
  const signers = await ethers.getSigners();
  if (signers.length < 7) throw new Error("the consent tests need 7 accounts");
  type S = HardhatEthersSigner;
  const [subject, grantee, operator, relayer, stranger, otherSubject, otherGrantee] = signers as [
    S,
    S,
    S,
    S,
    S,
    S,
    S,
  ];
  const registry = await ethers.deployContract("ConsentRegistry");
  await registry.registerCategorySet(CATEGORIES);
  return { registry, subject, grantee, operator, relayer, stranger, otherSubject, otherGrantee };
}

type Fixture = Awaited<ReturnType<typeof deployFixture>>;

async function grantOne(
  registry: ConsentRegistry,
  subject: HardhatEthersSigner,
  grantee: string,
  purpose: Hex = PURPOSE,
  categories: Hex[] = CATEGORIES,
  validUntil: bigint = FAR_FUTURE,
) {
  await registry.connect(subject).grant(grantee, purpose, categories, validUntil, RECEIPT);
}

async function signedGrant(
  f: Fixture,
  overrides: Partial<{
    purpose: Hex;
    nonce: bigint;
    epoch: number;
    deadline: bigint;
    validUntil: bigint;
  }> = {},
) {
  const request = {
    subject: f.subject.address as Hex,
    grantee: f.grantee.address as Hex,
    purpose: overrides.purpose ?? PURPOSE,
    categories: CATEGORIES,
    validUntil: overrides.validUntil ?? FAR_FUTURE,
    receiptHash: RECEIPT,
    nonce: overrides.nonce ?? 0n,
    epoch: overrides.epoch ?? 0,
    deadline: overrides.deadline ?? (await now()) + 3_600n,
  };
  const signature = await signRequest(
    f.subject,
    await domainOf(f.registry),
    "GrantRequest",
    request,
  );
  return { request, signature };
}

describe("ConsentRegistry", () => {
  describe("grant", () => {
    it("records the consent and emits ConsentGranted with its full state", async () => {
      const { registry, subject, grantee } = await loadFixture(deployFixture);
      const consentId = await registry.consentIdOf(subject.address, grantee.address, PURPOSE);
      await expect(
        registry.connect(subject).grant(grantee.address, PURPOSE, CATEGORIES, FAR_FUTURE, RECEIPT),
      )
        .to.emit(registry, "ConsentGranted")
        .withArgs(
          consentId,
          subject.address,
          grantee.address,
          PURPOSE,
          CATEGORIES,
          1n,
          FAR_FUTURE,
          RECEIPT,
          1n,
          subject.address,
          VIA.Subject,
        );
      const stored = await registry.getConsent(subject.address, grantee.address, PURPOSE);
      expect(stored.active).to.equal(true);
      expect(stored.validUntil).to.equal(FAR_FUTURE);
      expect(stored.categorySetId).to.equal(1n);
      expect(stored.nonce).to.equal(1n);
      for (const category of CATEGORIES) {
        expect(
          await registry.isValid(subject.address, grantee.address, PURPOSE, category),
        ).to.equal(true);
      }
    });

    it("derives the consent id as keccak256(abi.encode(subject, grantee, purpose))", async () => {
      const { registry, subject, grantee } = await loadFixture(deployFixture);
      const expected = keccak256(
        AbiCoder.defaultAbiCoder().encode(
          ["address", "address", "bytes32"],
          [subject.address, grantee.address, PURPOSE],
        ),
      );
      expect(await registry.consentIdOf(subject.address, grantee.address, PURPOSE)).to.equal(
        expected,
      );
    });

    it("records several categories for one purpose as one consent", async () => {
      const { registry, subject, grantee } = await loadFixture(deployFixture);
      const tx = await registry
        .connect(subject)
        .grant(grantee.address, PURPOSE, CATEGORIES, FAR_FUTURE, RECEIPT);
      const receipt = await tx.wait();
      const granted = receipt!.logs.filter(
        (log) => registry.interface.parseLog(log)?.name === "ConsentGranted",
      );
      expect(granted).to.have.length(1);
      expect(await registry.categoriesOf(1)).to.deep.equal(CATEGORIES);
    });

    it("is valid only for the categories, grantee and purpose it names", async () => {
      const { registry, subject, grantee, otherGrantee } = await loadFixture(deployFixture);
      await grantOne(registry, subject, grantee.address, PURPOSE, [CAT_A, CAT_B]);
      expect(await registry.isValid(subject.address, grantee.address, PURPOSE, CAT_A)).to.equal(
        true,
      );
      expect(await registry.isValid(subject.address, grantee.address, PURPOSE, CAT_C)).to.equal(
        false,
      );
      expect(
        await registry.isValid(subject.address, grantee.address, OTHER_PURPOSE, CAT_A),
      ).to.equal(false);
      expect(
        await registry.isValid(subject.address, otherGrantee.address, PURPOSE, CAT_A),
      ).to.equal(false);
    });

    it("replaces the consent's categories, expiry and receipt when granted again, and bumps its nonce", async () => {
      const { registry, subject, grantee } = await loadFixture(deployFixture);
      await grantOne(registry, subject, grantee.address);
      const later = (await now()) + 1_000n;
      await registry
        .connect(subject)
        .grant(grantee.address, PURPOSE, [CAT_C], later, id("receipt-2"));
      const stored = await registry.getConsent(subject.address, grantee.address, PURPOSE);
      expect(stored.validUntil).to.equal(later);
      expect(stored.nonce).to.equal(2n);
      expect(await registry.isValid(subject.address, grantee.address, PURPOSE, CAT_A)).to.equal(
        false,
      );
      expect(await registry.isValid(subject.address, grantee.address, PURPOSE, CAT_C)).to.equal(
        true,
      );
    });

    it("registers a new category set on first use and reuses it after", async () => {
      const { registry, subject, grantee, otherSubject } = await loadFixture(deployFixture);
      await expect(
        registry.connect(subject).grant(grantee.address, PURPOSE, [CAT_B], FAR_FUTURE, RECEIPT),
      )
        .to.emit(registry, "CategorySetRegistered")
        .withArgs(2n, [CAT_B]);
      await expect(
        registry
          .connect(otherSubject)
          .grant(grantee.address, PURPOSE, [CAT_B], FAR_FUTURE, RECEIPT),
      ).not.to.emit(registry, "CategorySetRegistered");
      expect(await registry.categorySetIdOf([CAT_B])).to.equal(2n);
      expect(await registry.categorySetIdOf([CAT_A])).to.equal(0n);
    });

    it("is valid up to and including validUntil, and not one second after (expiry boundary)", async () => {
      const { registry, subject, grantee } = await loadFixture(deployFixture);
      const validUntil = (await now()) + 100n;
      await grantOne(registry, subject, grantee.address, PURPOSE, CATEGORIES, validUntil);
      await time.increaseTo(validUntil);
      expect(await registry.isValid(subject.address, grantee.address, PURPOSE, CAT_A)).to.equal(
        true,
      );
      await time.increaseTo(validUntil + 1n);
      expect(await registry.isValid(subject.address, grantee.address, PURPOSE, CAT_A)).to.equal(
        false,
      );
    });

    it("accepts validUntil equal to the block time", async () => {
      const { registry, subject, grantee } = await loadFixture(deployFixture);
      const next = (await now()) + 10n;
      await time.setNextBlockTimestamp(next);
      await expect(
        registry.connect(subject).grant(grantee.address, PURPOSE, CATEGORIES, next, RECEIPT),
      ).to.emit(registry, "ConsentGranted");
    });

    describe("refusals", () => {
      it("reverts when validUntil is before the block time", async () => {
        const { registry, subject, grantee } = await loadFixture(deployFixture);
        const next = (await now()) + 10n;
        await time.setNextBlockTimestamp(next);
        await expect(
          registry.connect(subject).grant(grantee.address, PURPOSE, CATEGORIES, next - 1n, RECEIPT),
        )
          .to.be.revertedWithCustomError(registry, "ConsentRegistryExpiryInPast")
          .withArgs(next - 1n, next);
      });

      it("reverts when the grantee is zero", async () => {
        const { registry, subject } = await loadFixture(deployFixture);
        await expect(
          registry
            .connect(subject)
            .grant(ethers.ZeroAddress, PURPOSE, CATEGORIES, FAR_FUTURE, RECEIPT),
        )
          .to.be.revertedWithCustomError(registry, "ConsentRegistryInvalidGrantee")
          .withArgs(ethers.ZeroAddress);
      });

      it("reverts when the grantee is the subject itself", async () => {
        const { registry, subject } = await loadFixture(deployFixture);
        await expect(
          registry
            .connect(subject)
            .grant(subject.address, PURPOSE, CATEGORIES, FAR_FUTURE, RECEIPT),
        )
          .to.be.revertedWithCustomError(registry, "ConsentRegistryInvalidGrantee")
          .withArgs(subject.address);
      });

      it("reverts when the purpose is zero", async () => {
        const { registry, subject, grantee } = await loadFixture(deployFixture);
        await expect(
          registry
            .connect(subject)
            .grant(grantee.address, ethers.ZeroHash, CATEGORIES, FAR_FUTURE, RECEIPT),
        ).to.be.revertedWithCustomError(registry, "ConsentRegistryInvalidPurpose");
      });

      it("reverts when no categories are given", async () => {
        const { registry, subject, grantee } = await loadFixture(deployFixture);
        await expect(
          registry.connect(subject).grant(grantee.address, PURPOSE, [], FAR_FUTURE, RECEIPT),
        )
          .to.be.revertedWithCustomError(registry, "ConsentRegistryInvalidCategoryCount")
          .withArgs(0n, 64n);
      });

      it("reverts when more than MAX_CATEGORIES categories are given", async () => {
        const { registry, subject, grantee } = await loadFixture(deployFixture);
        const many = Array.from({ length: 65 }, (_, i) => ethers.toBeHex(i + 1, 32));
        await expect(
          registry.connect(subject).grant(grantee.address, PURPOSE, many, FAR_FUTURE, RECEIPT),
        )
          .to.be.revertedWithCustomError(registry, "ConsentRegistryInvalidCategoryCount")
          .withArgs(65n, 64n);
      });

      it("accepts exactly MAX_CATEGORIES categories", async () => {
        const { registry, subject, grantee } = await loadFixture(deployFixture);
        const max = Array.from({ length: 64 }, (_, i) => ethers.toBeHex(i + 1, 32));
        await grantOne(registry, subject, grantee.address, PURPOSE, max as Hex[]);
        expect(
          await registry.isValid(subject.address, grantee.address, PURPOSE, ethers.toBeHex(64, 32)),
        ).to.equal(true);
      });

      it("reverts when categories are not in ascending order", async () => {
        const { registry, subject, grantee } = await loadFixture(deployFixture);
        await expect(
          registry
            .connect(subject)
            .grant(grantee.address, PURPOSE, [CAT_B, CAT_A], FAR_FUTURE, RECEIPT),
        )
          .to.be.revertedWithCustomError(registry, "ConsentRegistryCategoriesNotSorted")
          .withArgs(1n);
      });

      it("reverts when a category is listed twice", async () => {
        const { registry, subject, grantee } = await loadFixture(deployFixture);
        await expect(
          registry
            .connect(subject)
            .grant(grantee.address, PURPOSE, [CAT_A, CAT_A], FAR_FUTURE, RECEIPT),
        )
          .to.be.revertedWithCustomError(registry, "ConsentRegistryCategoriesNotSorted")
          .withArgs(1n);
      });

      it("reverts when a category is zero", async () => {
        const { registry, subject, grantee } = await loadFixture(deployFixture);
        await expect(
          registry
            .connect(subject)
            .grant(grantee.address, PURPOSE, [ethers.ZeroHash], FAR_FUTURE, RECEIPT),
        )
          .to.be.revertedWithCustomError(registry, "ConsentRegistryCategoriesNotSorted")
          .withArgs(0n);
      });
    });
  });

  // One behaviour, every entry point: the subject's own transaction, its operator, a relayed signature.
  type Path = "subject" | "operator" | "signature";
  const PATHS: Path[] = ["subject", "operator", "signature"];

  async function withdrawVia(
    f: Fixture,
    path: Path,
    purpose: Hex = PURPOSE,
  ): Promise<ContractTransactionResponse> {
    const { registry, subject, grantee, operator, relayer } = f;
    if (path === "subject")
      return registry.connect(subject).withdraw(subject.address, grantee.address, purpose);
    if (path === "operator")
      return registry.connect(operator).withdraw(subject.address, grantee.address, purpose);
    const nonce = (await registry.getConsent(subject.address, grantee.address, purpose)).nonce;
    const request = {
      subject: subject.address as Hex,
      grantee: grantee.address as Hex,
      purpose,
      nonce,
      deadline: (await now()) + 3_600n,
    };
    const signature = await signRequest(
      subject,
      await domainOf(registry),
      "WithdrawRequest",
      request,
    );
    return registry.connect(relayer).withdrawBySig(request, signature);
  }

  async function withdrawAllVia(f: Fixture, path: Path): Promise<ContractTransactionResponse> {
    const { registry, subject, operator, relayer } = f;
    if (path === "subject") return registry.connect(subject).withdrawAll(subject.address);
    if (path === "operator") return registry.connect(operator).withdrawAll(subject.address);
    const nonce = (await registry.getSubject(subject.address)).nonce;
    const request = { subject: subject.address as Hex, nonce, deadline: (await now()) + 3_600n };
    const signature = await signRequest(
      subject,
      await domainOf(registry),
      "WithdrawAllRequest",
      request,
    );
    return registry.connect(relayer).withdrawAllBySig(request, signature);
  }

  async function withOperatorFixture() {
    const f = await deployFixture();
    await f.registry.connect(f.subject).setOperator(f.operator.address);
    return f;
  }

  const actorOf = (f: Fixture, path: Path) =>
    path === "subject" ? f.subject : path === "operator" ? f.operator : f.relayer;
  const viaOf = (path: Path) =>
    path === "subject" ? VIA.Subject : path === "operator" ? VIA.Operator : VIA.Signature;

  describe("withdraw", () => {
    for (const path of PATHS) {
      describe(`by ${path}`, () => {
        it("ends the consent and emits ConsentWithdrawn naming who acted", async () => {
          const f = await loadFixture(withOperatorFixture);
          await grantOne(f.registry, f.subject, f.grantee.address);
          const consentId = await f.registry.consentIdOf(
            f.subject.address,
            f.grantee.address,
            PURPOSE,
          );
          await expect(withdrawVia(f, path))
            .to.emit(f.registry, "ConsentWithdrawn")
            .withArgs(
              consentId,
              f.subject.address,
              f.grantee.address,
              PURPOSE,
              1n,
              FAR_FUTURE,
              2n,
              actorOf(f, path).address,
              viaOf(path),
            );
          expect(
            await f.registry.isValid(f.subject.address, f.grantee.address, PURPOSE, CAT_A),
          ).to.equal(false);
          expect(
            (await f.registry.getConsent(f.subject.address, f.grantee.address, PURPOSE)).active,
          ).to.equal(false);
        });

        it("reverts when there is no active consent", async () => {
          const f = await loadFixture(withOperatorFixture);
          const consentId = await f.registry.consentIdOf(
            f.subject.address,
            f.grantee.address,
            PURPOSE,
          );
          await expect(withdrawVia(f, path))
            .to.be.revertedWithCustomError(f.registry, "ConsentRegistryNothingToWithdraw")
            .withArgs(consentId);
        });

        it("reverts when the consent was already withdrawn", async () => {
          const f = await loadFixture(withOperatorFixture);
          await grantOne(f.registry, f.subject, f.grantee.address);
          await withdrawVia(f, path);
          await expect(withdrawVia(f, path)).to.be.revertedWithCustomError(
            f.registry,
            "ConsentRegistryNothingToWithdraw",
          );
        });

        it("withdraws an expired consent", async () => {
          const f = await loadFixture(withOperatorFixture);
          const validUntil = (await now()) + 10n;
          await grantOne(f.registry, f.subject, f.grantee.address, PURPOSE, CATEGORIES, validUntil);
          await time.increaseTo(validUntil + 1n);
          await expect(withdrawVia(f, path)).to.emit(f.registry, "ConsentWithdrawn");
        });

        it("leaves the subject's other consents in force", async () => {
          const f = await loadFixture(withOperatorFixture);
          await grantOne(f.registry, f.subject, f.grantee.address, PURPOSE);
          await grantOne(f.registry, f.subject, f.grantee.address, OTHER_PURPOSE);
          await withdrawVia(f, path);
          expect(
            await f.registry.isValid(f.subject.address, f.grantee.address, OTHER_PURPOSE, CAT_A),
          ).to.equal(true);
        });
      });
    }

    it("reverts when the caller is neither the subject nor its operator", async () => {
      const { registry, subject, grantee, stranger } = await loadFixture(withOperatorFixture);
      await grantOne(registry, subject, grantee.address);
      await expect(registry.connect(stranger).withdraw(subject.address, grantee.address, PURPOSE))
        .to.be.revertedWithCustomError(registry, "ConsentRegistryUnauthorized")
        .withArgs(stranger.address, subject.address);
    });

    it("reverts when the grantee tries to withdraw on the subject's behalf", async () => {
      const { registry, subject, grantee } = await loadFixture(deployFixture);
      await grantOne(registry, subject, grantee.address);
      await expect(registry.connect(grantee).withdraw(subject.address, grantee.address, PURPOSE))
        .to.be.revertedWithCustomError(registry, "ConsentRegistryUnauthorized")
        .withArgs(grantee.address, subject.address);
    });
  });

  describe("withdrawAll", () => {
    for (const path of PATHS) {
      describe(`by ${path}`, () => {
        it("voids every consent of the subject in one call and emits AllConsentsWithdrawn", async () => {
          const f = await loadFixture(withOperatorFixture);
          const purposes = Array.from({ length: 25 }, (_, i) => id(`purpose-${i}`) as Hex);
          for (const purpose of purposes)
            await grantOne(f.registry, f.subject, f.grantee.address, purpose);
          await expect(withdrawAllVia(f, path))
            .to.emit(f.registry, "AllConsentsWithdrawn")
            .withArgs(f.subject.address, 1n, actorOf(f, path).address, viaOf(path));
          for (const purpose of purposes) {
            expect(
              await f.registry.isValid(f.subject.address, f.grantee.address, purpose, CAT_A),
            ).to.equal(false);
          }
        });

        it("lets the subject grant again afterwards", async () => {
          const f = await loadFixture(withOperatorFixture);
          await grantOne(f.registry, f.subject, f.grantee.address);
          await withdrawAllVia(f, path);
          expect(
            await f.registry.isValid(f.subject.address, f.grantee.address, PURPOSE, CAT_A),
          ).to.equal(false);
          await grantOne(f.registry, f.subject, f.grantee.address);
          expect(
            await f.registry.isValid(f.subject.address, f.grantee.address, PURPOSE, CAT_A),
          ).to.equal(true);
        });

        it("leaves other subjects' consents in force", async () => {
          const f = await loadFixture(withOperatorFixture);
          await grantOne(f.registry, f.otherSubject, f.grantee.address);
          await withdrawAllVia(f, path);
          expect(
            await f.registry.isValid(f.otherSubject.address, f.grantee.address, PURPOSE, CAT_A),
          ).to.equal(true);
        });
      });
    }

    it("costs the same gas whatever the number of consents", async () => {
      const one = await loadFixture(withOperatorFixture);
      await grantOne(one.registry, one.subject, one.grantee.address);
      const gasWithOne = await gasOf(withdrawAllVia(one, "subject"));
      const g = await loadFixture(withOperatorFixture);
      for (let i = 0; i < 40; i++)
        await grantOne(g.registry, g.subject, g.grantee.address, id(`p${i}`) as Hex);
      const gasWithForty = await gasOf(withdrawAllVia(g, "subject"));
      expect(gasWithForty).to.equal(gasWithOne);
    });

    it("reverts when the caller is neither the subject nor its operator", async () => {
      const { registry, subject, stranger } = await loadFixture(withOperatorFixture);
      await expect(registry.connect(stranger).withdrawAll(subject.address))
        .to.be.revertedWithCustomError(registry, "ConsentRegistryUnauthorized")
        .withArgs(stranger.address, subject.address);
    });
  });

  describe("operators", () => {
    it("appoints, replaces and removes an operator, each in one call", async () => {
      const { registry, subject, operator, stranger } = await loadFixture(deployFixture);
      await expect(registry.connect(subject).setOperator(operator.address))
        .to.emit(registry, "OperatorSet")
        .withArgs(
          subject.address,
          ethers.ZeroAddress,
          operator.address,
          subject.address,
          VIA.Subject,
        );
      await expect(registry.connect(subject).setOperator(stranger.address))
        .to.emit(registry, "OperatorSet")
        .withArgs(
          subject.address,
          operator.address,
          stranger.address,
          subject.address,
          VIA.Subject,
        );
      await expect(registry.connect(subject).setOperator(ethers.ZeroAddress))
        .to.emit(registry, "OperatorSet")
        .withArgs(
          subject.address,
          stranger.address,
          ethers.ZeroAddress,
          subject.address,
          VIA.Subject,
        );
      expect((await registry.getSubject(subject.address)).operator).to.equal(ethers.ZeroAddress);
    });

    it("stops a replaced operator from withdrawing", async () => {
      const { registry, subject, grantee, operator, stranger } =
        await loadFixture(withOperatorFixture);
      await grantOne(registry, subject, grantee.address);
      await registry.connect(subject).setOperator(stranger.address);
      await expect(registry.connect(operator).withdraw(subject.address, grantee.address, PURPOSE))
        .to.be.revertedWithCustomError(registry, "ConsentRegistryUnauthorized")
        .withArgs(operator.address, subject.address);
    });

    it("never lets an operator grant for the subject without the subject's signature", async () => {
      const { registry, subject, grantee, operator } = await loadFixture(withOperatorFixture);
      // grant() always records the caller as the subject: the operator can only consent for itself.
      await expect(
        registry.connect(operator).grant(grantee.address, PURPOSE, CATEGORIES, FAR_FUTURE, RECEIPT),
      )
        .to.emit(registry, "ConsentGranted")
        .withArgs(
          await registry.consentIdOf(operator.address, grantee.address, PURPOSE),
          operator.address,
          grantee.address,
          PURPOSE,
          CATEGORIES,
          1n,
          FAR_FUTURE,
          RECEIPT,
          1n,
          operator.address,
          VIA.Subject,
        );
      expect(await registry.isValid(subject.address, grantee.address, PURPOSE, CAT_A)).to.equal(
        false,
      );
      // A grant request signed by the operator instead of the subject is refused.
      const request = {
        subject: subject.address as Hex,
        grantee: grantee.address as Hex,
        purpose: PURPOSE,
        categories: CATEGORIES,
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
        nonce: 0n,
        epoch: 0,
        deadline: (await now()) + 3_600n,
      };
      const signature = await signRequest(
        operator,
        await domainOf(registry),
        "GrantRequest",
        request,
      );
      await expect(registry.connect(operator).grantBySig(request, signature))
        .to.be.revertedWithCustomError(registry, "ConsentRegistryInvalidSignature")
        .withArgs(subject.address);
    });

    it("reverts when a subject appoints itself", async () => {
      const { registry, subject } = await loadFixture(deployFixture);
      await expect(registry.connect(subject).setOperator(subject.address))
        .to.be.revertedWithCustomError(registry, "ConsentRegistryInvalidOperator")
        .withArgs(subject.address);
    });

    it("sets the operator by the subject's signature, relayed by anyone", async () => {
      const { registry, subject, operator, relayer } = await loadFixture(deployFixture);
      const request = {
        subject: subject.address as Hex,
        operator: operator.address as Hex,
        nonce: 0n,
        deadline: (await now()) + 3_600n,
      };
      const signature = await signRequest(
        subject,
        await domainOf(registry),
        "SetOperatorRequest",
        request,
      );
      await expect(registry.connect(relayer).setOperatorBySig(request, signature))
        .to.emit(registry, "OperatorSet")
        .withArgs(
          subject.address,
          ethers.ZeroAddress,
          operator.address,
          relayer.address,
          VIA.Signature,
        );
      await expect(registry.connect(relayer).setOperatorBySig(request, signature))
        .to.be.revertedWithCustomError(registry, "ConsentRegistryInvalidNonce")
        .withArgs(1n, 0n);
    });
  });

  describe("grantBySig", () => {
    it("grants a consent the subject signed, relayed by another account", async () => {
      const f = await loadFixture(deployFixture);
      const { request, signature } = await signedGrant(f);
      await expect(f.registry.connect(f.relayer).grantBySig(request, signature))
        .to.emit(f.registry, "ConsentGranted")
        .withArgs(
          await f.registry.consentIdOf(f.subject.address, f.grantee.address, PURPOSE),
          f.subject.address,
          f.grantee.address,
          PURPOSE,
          CATEGORIES,
          1n,
          FAR_FUTURE,
          RECEIPT,
          1n,
          f.relayer.address,
          VIA.Signature,
        );
      expect(
        await f.registry.isValid(f.subject.address, f.grantee.address, PURPOSE, CAT_A),
      ).to.equal(true);
    });

    it("reverts when the same signature is relayed twice", async () => {
      const f = await loadFixture(deployFixture);
      const { request, signature } = await signedGrant(f);
      await f.registry.connect(f.relayer).grantBySig(request, signature);
      await expect(f.registry.connect(f.relayer).grantBySig(request, signature))
        .to.be.revertedWithCustomError(f.registry, "ConsentRegistryInvalidNonce")
        .withArgs(1n, 0n);
    });

    it("reverts when an old grant is replayed after the subject withdrew", async () => {
      const f = await loadFixture(deployFixture);
      const { request, signature } = await signedGrant(f);
      await f.registry.connect(f.relayer).grantBySig(request, signature);
      await f.registry.connect(f.subject).withdraw(f.subject.address, f.grantee.address, PURPOSE);
      await expect(f.registry.connect(f.relayer).grantBySig(request, signature))
        .to.be.revertedWithCustomError(f.registry, "ConsentRegistryInvalidNonce")
        .withArgs(2n, 0n);
    });

    it("voids a pending signature when the consent changes before it is relayed", async () => {
      const f = await loadFixture(withOperatorFixture);
      await grantOne(f.registry, f.subject, f.grantee.address);
      const pending = await signedGrant(f, { nonce: 1n });
      await f.registry.connect(f.operator).withdraw(f.subject.address, f.grantee.address, PURPOSE);
      await expect(f.registry.connect(f.relayer).grantBySig(pending.request, pending.signature))
        .to.be.revertedWithCustomError(f.registry, "ConsentRegistryInvalidNonce")
        .withArgs(2n, 1n);
    });

    it("voids a pending signed grant when the subject withdraws all before it is relayed", async () => {
      const f = await loadFixture(deployFixture);
      const pending = await signedGrant(f);
      await f.registry.connect(f.subject).withdrawAll(f.subject.address);
      await expect(f.registry.connect(f.relayer).grantBySig(pending.request, pending.signature))
        .to.be.revertedWithCustomError(f.registry, "ConsentRegistryStaleEpoch")
        .withArgs(1n, 0n);
      expect(
        await f.registry.isValid(f.subject.address, f.grantee.address, PURPOSE, CAT_A),
      ).to.equal(false);
    });

    it("accepts a grant signed in the subject's new epoch after a withdraw-all", async () => {
      const f = await loadFixture(deployFixture);
      await f.registry.connect(f.subject).withdrawAll(f.subject.address);
      const { request, signature } = await signedGrant(f, { epoch: 1 });
      await expect(f.registry.connect(f.relayer).grantBySig(request, signature)).to.emit(
        f.registry,
        "ConsentGranted",
      );
      expect(
        await f.registry.isValid(f.subject.address, f.grantee.address, PURPOSE, CAT_A),
      ).to.equal(true);
    });

    it("does not let a stuck signature block signatures for other consents", async () => {
      const f = await loadFixture(deployFixture);
      await signedGrant(f); // signed, never relayed
      const { request: other, signature } = await signedGrant(f, { purpose: OTHER_PURPOSE });
      await expect(f.registry.connect(f.relayer).grantBySig(other, signature)).to.emit(
        f.registry,
        "ConsentGranted",
      );
    });

    it("reverts when the deadline has passed", async () => {
      const f = await loadFixture(deployFixture);
      const deadline = (await now()) + 60n;
      const { request, signature } = await signedGrant(f, { deadline });
      await time.increaseTo(deadline + 1n);
      await expect(f.registry.connect(f.relayer).grantBySig(request, signature))
        .to.be.revertedWithCustomError(f.registry, "ConsentRegistryExpiredSignature")
        .withArgs(deadline);
    });

    it("accepts a signature relayed exactly at its deadline", async () => {
      const f = await loadFixture(deployFixture);
      const deadline = (await now()) + 60n;
      const { request, signature } = await signedGrant(f, { deadline });
      await time.setNextBlockTimestamp(deadline);
      await expect(f.registry.connect(f.relayer).grantBySig(request, signature)).to.emit(
        f.registry,
        "ConsentGranted",
      );
    });

    it("reverts when the deadline is zero", async () => {
      const f = await loadFixture(deployFixture);
      const { request, signature } = await signedGrant(f, { deadline: 0n });
      await expect(
        f.registry.connect(f.relayer).grantBySig(request, signature),
      ).to.be.revertedWithCustomError(f.registry, "ConsentRegistryMissingDeadline");
    });

    it("reverts when another account signed", async () => {
      const f = await loadFixture(deployFixture);
      const { request } = await signedGrant(f);
      const signature = await signRequest(
        f.stranger,
        await domainOf(f.registry),
        "GrantRequest",
        request,
      );
      await expect(f.registry.connect(f.relayer).grantBySig(request, signature))
        .to.be.revertedWithCustomError(f.registry, "ConsentRegistryInvalidSignature")
        .withArgs(f.subject.address);
    });

    it("reverts when the request was altered after signing", async () => {
      const f = await loadFixture(deployFixture);
      const { request, signature } = await signedGrant(f);
      await expect(
        f.registry.connect(f.relayer).grantBySig({ ...request, categories: [CAT_A] }, signature),
      )
        .to.be.revertedWithCustomError(f.registry, "ConsentRegistryInvalidSignature")
        .withArgs(f.subject.address);
    });

    it("reverts when the signature was made for another chain", async () => {
      const f = await loadFixture(deployFixture);
      const { request } = await signedGrant(f);
      const domain = { ...(await domainOf(f.registry)), chainId: 1n };
      const signature = await signRequest(f.subject, domain, "GrantRequest", request);
      await expect(f.registry.connect(f.relayer).grantBySig(request, signature))
        .to.be.revertedWithCustomError(f.registry, "ConsentRegistryInvalidSignature")
        .withArgs(f.subject.address);
    });

    it("reverts when the signature was made for another registry", async () => {
      const f = await loadFixture(deployFixture);
      const other = await ethers.deployContract("ConsentRegistry");
      const { request } = await signedGrant(f);
      const signature = await signRequest(
        f.subject,
        await domainOf(other),
        "GrantRequest",
        request,
      );
      await expect(f.registry.connect(f.relayer).grantBySig(request, signature))
        .to.be.revertedWithCustomError(f.registry, "ConsentRegistryInvalidSignature")
        .withArgs(f.subject.address);
      await expect(other.connect(f.relayer).grantBySig(request, signature)).to.emit(
        other,
        "ConsentGranted",
      );
    });

    it("reverts when given the malleable (high-s) twin of a valid signature", async () => {
      const f = await loadFixture(deployFixture);
      const { request, signature } = await signedGrant(f);
      await expect(f.registry.connect(f.relayer).grantBySig(request, malleate(signature)))
        .to.be.revertedWithCustomError(f.registry, "ConsentRegistryInvalidSignature")
        .withArgs(f.subject.address);
    });

    it("reverts when the signature is not a signature at all", async () => {
      const f = await loadFixture(deployFixture);
      const { request } = await signedGrant(f);
      await expect(f.registry.connect(f.relayer).grantBySig(request, "0x1234"))
        .to.be.revertedWithCustomError(f.registry, "ConsentRegistryInvalidSignature")
        .withArgs(f.subject.address);
    });

    it("applies the grant rules to signed grants too", async () => {
      const f = await loadFixture(deployFixture);
      const request = { ...(await signedGrant(f)).request, grantee: f.subject.address as Hex };
      const signature = await signRequest(
        f.subject,
        await domainOf(f.registry),
        "GrantRequest",
        request,
      );
      await expect(f.registry.connect(f.relayer).grantBySig(request, signature))
        .to.be.revertedWithCustomError(f.registry, "ConsentRegistryInvalidGrantee")
        .withArgs(f.subject.address);
    });

    it("takes the subject from the signed request, never from the relayer", async () => {
      const f = await loadFixture(deployFixture);
      const { request, signature } = await signedGrant(f);
      await f.registry.connect(f.relayer).grantBySig(request, signature);
      expect(
        await f.registry.isValid(f.relayer.address, f.grantee.address, PURPOSE, CAT_A),
      ).to.equal(false);
    });
  });

  describe("smart-contract wallets (ERC-1271)", () => {
    async function walletFixture() {
      const f = await deployFixture();
      const wallet = await ethers.deployContract("MockSmartWallet", [f.subject.address]);
      const request = {
        subject: (await wallet.getAddress()) as Hex,
        grantee: f.grantee.address as Hex,
        purpose: PURPOSE,
        categories: CATEGORIES,
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
        nonce: 0n,
        epoch: 0,
        deadline: (await now()) + 3_600n,
      };
      // The wallet's owner key signs; the wallet vouches for it through isValidSignature.
      const signature = await signRequest(
        f.subject,
        await domainOf(f.registry),
        "GrantRequest",
        request,
      );
      return { ...f, wallet, request, signature };
    }

    it("grants when the wallet accepts the signature", async () => {
      const { registry, relayer, wallet, request, signature, grantee } =
        await loadFixture(walletFixture);
      await expect(registry.connect(relayer).grantBySig(request, signature)).to.emit(
        registry,
        "ConsentGranted",
      );
      expect(
        await registry.isValid(await wallet.getAddress(), grantee.address, PURPOSE, CAT_A),
      ).to.equal(true);
    });

    it("reverts when the wallet refuses the signature", async () => {
      const { registry, relayer, subject, wallet, request, signature } =
        await loadFixture(walletFixture);
      await wallet.connect(subject).setAccepting(false);
      await expect(registry.connect(relayer).grantBySig(request, signature))
        .to.be.revertedWithCustomError(registry, "ConsentRegistryInvalidSignature")
        .withArgs(await wallet.getAddress());
    });

    it("withdraws all by a wallet signature, even after the wallet changed its answer back", async () => {
      const { registry, relayer, subject, wallet, request, signature, grantee } =
        await loadFixture(walletFixture);
      await registry.connect(relayer).grantBySig(request, signature);
      await wallet.connect(subject).setAccepting(false);
      const all = { subject: request.subject, nonce: 0n, deadline: (await now()) + 3_600n };
      const allSig = await signRequest(
        subject,
        await domainOf(registry),
        "WithdrawAllRequest",
        all,
      );
      await expect(registry.connect(relayer).withdrawAllBySig(all, allSig))
        .to.be.revertedWithCustomError(registry, "ConsentRegistryInvalidSignature")
        .withArgs(await wallet.getAddress());
      await wallet.connect(subject).setAccepting(true);
      await expect(registry.connect(relayer).withdrawAllBySig(all, allSig)).to.emit(
        registry,
        "AllConsentsWithdrawn",
      );
      expect(await registry.isValid(request.subject, grantee.address, PURPOSE, CAT_A)).to.equal(
        false,
      );
    });

    it("lets the wallet act directly as the subject", async () => {
      const { registry, subject, wallet, grantee } = await loadFixture(walletFixture);
      const data = registry.interface.encodeFunctionData("grant", [
        grantee.address,
        PURPOSE,
        CATEGORIES,
        FAR_FUTURE,
        RECEIPT,
      ]);
      await wallet.connect(subject).execute(await registry.getAddress(), data);
      expect(
        await registry.isValid(await wallet.getAddress(), grantee.address, PURPOSE, CAT_B),
      ).to.equal(true);
    });
  });

  describe("isValidForSet", () => {
    it("answers for a whole category set: the same set, a subset of the consent's, or not", async () => {
      const { registry, subject, grantee, otherSubject } = await loadFixture(deployFixture);
      const pair = [CAT_A, CAT_B].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      await registry.registerCategorySet(pair);
      await registry.registerCategorySet([CAT_C]);
      const [all, twoOf, onlyC] = [
        await registry.categorySetIdOf(CATEGORIES),
        await registry.categorySetIdOf(pair),
        await registry.categorySetIdOf([CAT_C]),
      ];
      await grantOne(registry, subject, grantee.address); // all three categories
      await grantOne(registry, otherSubject, grantee.address, PURPOSE, pair);
      const covers = (who: string, setId: bigint, purpose: Hex = PURPOSE) =>
        registry.isValidForSet(who, grantee.address, purpose, setId);
      expect(await covers(subject.address, all)).to.equal(true); // the consent's own set
      expect(await covers(subject.address, twoOf)).to.equal(true); // a subset of it
      expect(await covers(otherSubject.address, twoOf)).to.equal(true);
      expect(await covers(otherSubject.address, all)).to.equal(false); // one category missing
      expect(await covers(otherSubject.address, onlyC)).to.equal(false);
      expect(await covers(subject.address, 99n)).to.equal(false); // an unregistered set
      expect(await covers(subject.address, all, OTHER_PURPOSE)).to.equal(false); // no consent for that purpose
      await registry.connect(subject).withdraw(subject.address, grantee.address, PURPOSE);
      expect(await covers(subject.address, twoOf)).to.equal(false); // withdrawn
      await registry.connect(otherSubject).withdrawAll(otherSubject.address);
      expect(await covers(otherSubject.address, twoOf)).to.equal(false); // voided by withdraw-all
    });

    it("stops covering a set once the consent expires", async () => {
      const { registry, subject, grantee } = await loadFixture(deployFixture);
      const setId = await registry.categorySetIdOf(CATEGORIES);
      await grantOne(registry, subject, grantee.address, PURPOSE, CATEGORIES, (await now()) + 100n);
      expect(
        await registry.isValidForSet(subject.address, grantee.address, PURPOSE, setId),
      ).to.equal(true);
      await time.increase(200);
      expect(
        await registry.isValidForSet(subject.address, grantee.address, PURPOSE, setId),
      ).to.equal(false);
    });
  });

  describe("isValidBatch", () => {
    it("answers for a cohort of 1,000 subjects in one call", async function () {
      this.timeout(120_000);
      const { registry, grantee, relayer, otherGrantee } = await loadFixture(deployFixture);
      const domain = await domainOf(registry);
      const subjects = Array.from(
        { length: 1_000 },
        (_, i) => new Wallet(keccak256(ethers.toBeHex(i + 1, 32))),
      );
      const shortLived = (await now()) + 5_000n;
      const expected: boolean[] = [];
      for (const [i, wallet] of subjects.entries()) {
        // 0-599 in force; 600-699 withdrawn; 700-799 another category; 800-849 expire; 850-899 for another
        // grantee; 900-949 withdraw-all; 950-999 never granted.
        const group =
          i < 600
            ? "valid"
            : i < 700
              ? "withdrawn"
              : i < 800
                ? "category"
                : i < 850
                  ? "expired"
                  : i < 900
                    ? "grantee"
                    : i < 950
                      ? "all"
                      : "none";
        expected.push(group === "valid");
        if (group === "none") continue;
        const request = {
          subject: wallet.address as Hex,
          grantee: (group === "grantee" ? otherGrantee.address : grantee.address) as Hex,
          purpose: PURPOSE,
          categories:
            group === "category"
              ? [CAT_C]
              : [CAT_A, CAT_B].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
          validUntil: group === "expired" ? shortLived : FAR_FUTURE,
          receiptHash: RECEIPT,
          nonce: 0n,
          epoch: 0,
          deadline: FAR_FUTURE,
        };
        await registry
          .connect(relayer)
          .grantBySig(request, await signRequest(wallet, domain, "GrantRequest", request));
        if (group === "withdrawn") {
          const w = {
            subject: request.subject,
            grantee: request.grantee,
            purpose: PURPOSE,
            nonce: 1n,
            deadline: FAR_FUTURE,
          };
          await registry
            .connect(relayer)
            .withdrawBySig(w, await signRequest(wallet, domain, "WithdrawRequest", w));
        }
        if (group === "all") {
          const w = { subject: request.subject, nonce: 0n, deadline: FAR_FUTURE };
          await registry
            .connect(relayer)
            .withdrawAllBySig(w, await signRequest(wallet, domain, "WithdrawAllRequest", w));
        }
      }
      await time.increaseTo(shortLived + 1n);
      const addresses = subjects.map((w) => w.address);
      const category = CAT_A;
      const valid = await registry.isValidBatch(addresses, grantee.address, PURPOSE, category);
      expect(valid).to.deep.equal(expected);
      expect(valid.filter(Boolean)).to.have.length(600);
      for (const i of [0, 599, 600, 700, 800, 850, 900, 950, 999]) {
        expect(await registry.isValid(addresses[i]!, grantee.address, PURPOSE, category)).to.equal(
          expected[i],
        );
      }
      const gas = await registry.isValidBatch.estimateGas(
        addresses,
        grantee.address,
        PURPOSE,
        category,
      );
      expect(gas).to.be.lessThan(16_777_216n);
    });

    it("returns an empty answer for an empty cohort", async () => {
      const { registry, grantee } = await loadFixture(deployFixture);
      expect(await registry.isValidBatch([], grantee.address, PURPOSE, CAT_A)).to.deep.equal([]);
    });
  });

  describe("views", () => {
    it("reports zero state for a consent never granted", async () => {
      const { registry, subject, grantee } = await loadFixture(deployFixture);
      const stored = await registry.getConsent(subject.address, grantee.address, PURPOSE);
      expect([
        stored.validUntil,
        stored.epoch,
        stored.categorySetId,
        stored.nonce,
        stored.active,
      ]).to.deep.equal([0n, 0n, 0n, 0n, false]);
      expect(await registry.isValid(subject.address, grantee.address, PURPOSE, CAT_A)).to.equal(
        false,
      );
    });

    it("reverts when asked for the categories of an unknown set", async () => {
      const { registry } = await loadFixture(deployFixture);
      await expect(registry.categoriesOf(2))
        .to.be.revertedWithCustomError(registry, "ConsentRegistryUnknownCategorySet")
        .withArgs(2n);
      await expect(registry.categoriesOf(0))
        .to.be.revertedWithCustomError(registry, "ConsentRegistryUnknownCategorySet")
        .withArgs(0n);
    });

    it("returns the same id when a set is registered twice", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(await registry.registerCategorySet.staticCall(CATEGORIES)).to.equal(1n);
    });

    it("reports its version and EIP-712 domain", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(await registry.version()).to.equal("0.1.0");
      const domain = await registry.eip712Domain();
      expect(domain.name).to.equal("ConsentRegistry");
      expect(domain.version).to.equal("1");
      expect(domain.chainId).to.equal((await ethers.provider.getNetwork()).chainId);
      expect(domain.verifyingContract).to.equal(await registry.getAddress());
    });
  });

  describe("gas budgets", () => {
    // Gas is deterministic: these budgets fail the suite when a change makes a hot path dearer.
    it("stays within the budget of each operation (subject with an operator)", async () => {
      const f = await loadFixture(withOperatorFixture);
      expect(
        await gasOf(
          f.registry
            .connect(f.subject)
            .grant(f.grantee.address, PURPOSE, CATEGORIES, FAR_FUTURE, RECEIPT),
        ),
      ).to.be.at.most(60_000n);
      expect(
        await gasOf(
          f.registry.connect(f.subject).withdraw(f.subject.address, f.grantee.address, PURPOSE),
        ),
      ).to.be.at.most(35_000n);
      expect(
        await gasOf(f.registry.connect(f.subject).withdrawAll(f.subject.address)),
      ).to.be.at.most(35_000n);
      const { request, signature } = await signedGrant(f, { nonce: 2n, epoch: 1 });
      expect(
        await gasOf(f.registry.connect(f.relayer).grantBySig(request, signature)),
      ).to.be.at.most(80_000n);
    });

    it("keeps a subject's first withdraw-all within its budget", async () => {
      // The subject's state slot is written for the first time here (20,000 gas for a new storage slot):
      // see docs/consent-registry.md, "Storage and gas".
      const { registry, subject, grantee } = await loadFixture(deployFixture);
      await grantOne(registry, subject, grantee.address);
      expect(await gasOf(registry.connect(subject).withdrawAll(subject.address))).to.be.at.most(
        47_000n,
      );
    });
  });
});
