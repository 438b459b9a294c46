import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { keccak256 as viemKeccak256, toBytes } from "viem";
import { InvalidInputError } from "../../sdk/errors.js";
import {
  categoryId,
  categoryIds,
  DPV_NAMESPACE,
  DPV_VERSION,
  dpvId,
  DuplicateTermError,
  findTerm,
  InvalidIriError,
  MAX_CATEGORIES,
  PD_NAMESPACE,
  PERSONAL_DATA_CATEGORIES,
  PROCESSING_CATEGORIES,
  processingId,
  purposeId,
  PURPOSES,
  resolveTerm,
  termOf,
  UnknownTermError,
  type CategoryRef,
  type Hex,
  type PurposeRef,
} from "../../sdk/dpv.js";
import { thrown } from "../helpers/expect.js";

/** The id computed independently of the module: keccak256 of the IRI's UTF-8 bytes. */
function expectedId(iri: string): string {
  return keccak256(toUtf8Bytes(iri));
}

describe("dpv", function () {
  describe("vocabulary lists", function () {
    it("follows DPV 2.2 and holds the top-level purposes and personal-data categories", function () {
      expect(DPV_VERSION).to.equal("2.2");
      const topPurposes = PURPOSES.filter((p) => p.broader.length === 0).map((p) => p.name);
      expect(topPurposes).to.include.members([
        "ResearchAndDevelopment",
        "ServiceProvision",
        "PublicBenefit",
        "CommunicationManagement",
        "CustomerManagement",
        "Marketing",
        "Personalisation",
        "EnforceSecurity",
        "FulfilmentOfObligation",
        "OrganisationGovernance",
        "HumanResourceManagement",
        "VendorManagement",
        "RecordManagement",
        "AccountManagement",
        "EstablishContractualAgreement",
      ]);
      const topCategories = PERSONAL_DATA_CATEGORIES.filter((c) => c.broader.length === 0).map(
        (c) => c.name,
      );
      expect(topCategories).to.have.members([
        "External",
        "Financial",
        "Historical",
        "Household",
        "Internal",
        "Profile",
        "Social",
        "Tracking",
      ]);
    });

    it("lists each name once, in order, with every broader term listed too", function () {
      for (const list of [PURPOSES, PROCESSING_CATEGORIES, PERSONAL_DATA_CATEGORIES]) {
        const names: string[] = list.map((entry) => entry.name);
        expect(new Set(names).size).to.equal(names.length);
        expect(names).to.deep.equal([...names].sort());
        for (const entry of list) {
          for (const parent of entry.broader)
            expect(names, `${entry.name} → ${parent}`).to.include(parent);
        }
      }
    });

    it("marks special-category personal data", function () {
      expect(findTerm("category", "Health")?.specialCategory).to.equal(true);
      expect(findTerm("category", "Location")?.specialCategory).to.equal(false);
    });
  });

  describe("purposeId", function () {
    it("gives keccak256 of the full IRI for known names", function () {
      for (const name of [
        "ResearchAndDevelopment",
        "AcademicResearch",
        "ImprovePublicServices",
      ] as const) {
        expect(purposeId(name)).to.equal(expectedId(`https://w3id.org/dpv#${name}`));
      }
      // Cross-check with a second implementation (viem) of keccak256 over the UTF-8 bytes.
      expect(purposeId("ScientificResearch")).to.equal(
        viemKeccak256(toBytes("https://w3id.org/dpv#ScientificResearch")),
      );
    });

    it("gives the same id for the short name, the prefixed name and the IRI", function () {
      const forms: PurposeRef[] = [
        "ServiceProvision",
        "dpv:ServiceProvision",
        "https://w3id.org/dpv#ServiceProvision",
      ];
      const ids = forms.map((form) => purposeId(form));
      expect(new Set(ids).size).to.equal(1);
      expect(ids[0]).to.equal(expectedId(`${DPV_NAMESPACE}ServiceProvision`));
    });

    it("refuses an unknown name, naming it and suggesting close names", function () {
      const error = thrown(() => purposeId("ResearchAndDevelopmnt" as PurposeRef));
      expect(error).to.be.instanceOf(UnknownTermError);
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain('"ResearchAndDevelopmnt"');
      expect(error.message).to.contain('Did you mean "ResearchAndDevelopment"?');
      expect((error as UnknownTermError).suggestions[0]).to.equal("ResearchAndDevelopment");
      expect((error as UnknownTermError).kind).to.equal("purpose");
    });

    it("suggests the right spelling for a wrong letter case", function () {
      const error = thrown(() => purposeId("marketing" as PurposeRef)) as UnknownTermError;
      expect(error.message).to.contain('"marketing"');
      expect(error.suggestions).to.deep.equal([
        "Marketing",
        "DirectMarketing",
        "SocialMediaMarketing",
      ]);
    });

    it("says when a name belongs to another kind of term", function () {
      const error = thrown(() => purposeId("Location" as PurposeRef));
      expect(error).to.be.instanceOf(UnknownTermError);
      expect(error.message).to.contain('"Location" is a DPV personal-data category, not a purpose');
      expect(error.message).to.contain('categoryId("pd:Location")');
    });

    it("refuses a term that does not exist in DPV, such as CityPlanning", function () {
      const error = thrown(() => purposeId("CityPlanning" as PurposeRef));
      expect(error).to.be.instanceOf(UnknownTermError);
      expect(error.message).to.contain('Unknown DPV purpose "CityPlanning"');
      expect((error as UnknownTermError).details).to.contain("dpvId(iri)");
    });
  });

  describe("categoryId", function () {
    it("gives keccak256 of the pd IRI for known names in every form", function () {
      const iri = "https://w3id.org/dpv/pd#Location";
      expect(categoryId("Location")).to.equal(expectedId(iri));
      expect(categoryId("pd:Location")).to.equal(expectedId(iri));
      expect(categoryId(iri)).to.equal(expectedId(iri));
      for (const name of [
        "Age",
        "Gender",
        "EmailAddress",
        "TelephoneNumber",
        "TravelHistory",
        "VehicleUsage",
      ] as const) {
        expect(categoryId(name)).to.equal(expectedId(`${PD_NAMESPACE}${name}`));
      }
    });

    it("refuses a category written in the dpv namespace, suggesting the pd term", function () {
      const error = thrown(() => categoryId("dpv:Location" as CategoryRef)) as UnknownTermError;
      expect(error).to.be.instanceOf(UnknownTermError);
      expect(error.message).to.contain('"dpv:Location"');
      expect(error.suggestions).to.include("Location");
    });

    it("refuses a made-up category and offers close names", function () {
      const error = thrown(() => categoryId("HouseAddress" as CategoryRef)) as UnknownTermError;
      expect(error.suggestions[0]).to.equal("PhysicalAddress");
      expect(error.message).to.contain('Unknown DPV personal-data category "HouseAddress"');
      expect(error.suggestions.length).to.be.greaterThan(0);
    });
  });

  describe("processingId", function () {
    it("gives keccak256 of the dpv IRI for known operations", function () {
      for (const name of [
        "Collect",
        "Store",
        "Use",
        "Share",
        "Analyse",
        "Anonymise",
        "Pseudonymise",
        "Erase",
      ] as const) {
        expect(processingId(name)).to.equal(expectedId(`${DPV_NAMESPACE}${name}`));
        expect(processingId(`dpv:${name}`)).to.equal(processingId(name));
      }
    });

    it("keeps dpv:Tracking (processing) apart from pd:Tracking (category)", function () {
      expect(processingId("Tracking")).to.not.equal(categoryId("Tracking"));
      expect(termOf(processingId("Tracking"))?.kind).to.equal("processing");
      expect(termOf(categoryId("Tracking"))?.kind).to.equal("category");
    });
  });

  describe("termOf", function () {
    it("round-trips every known term through its id", function () {
      for (const [kind, list] of [
        ["purpose", PURPOSES],
        ["category", PERSONAL_DATA_CATEGORIES],
        ["processing", PROCESSING_CATEGORIES],
      ] as const) {
        for (const entry of list) {
          const term = resolveTerm(kind, entry.name);
          const back = termOf(term.id);
          expect(back?.kind).to.equal(kind);
          expect(back?.name).to.equal(entry.name);
          expect(back?.iri).to.equal(term.iri);
        }
      }
    });

    it("returns the kind, name and IRI, and accepts upper-case hex", function () {
      const id = purposeId("PublicBenefit");
      const term = termOf(id.toUpperCase().replace("0X", "0x") as Hex);
      expect(term).to.include({
        kind: "purpose",
        name: "PublicBenefit",
        iri: "https://w3id.org/dpv#PublicBenefit",
      });
    });

    it("returns undefined for an id no known term has", function () {
      expect(termOf(dpvId("https://example.org/vocab#Unknown"))).to.equal(undefined);
    });

    it("refuses something that is not a bytes32 id", function () {
      const error = thrown(() => termOf("0x1234" as Hex));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain('"0x1234"');
    });
  });

  describe("categoryIds", function () {
    it("sorts ids strictly ascending as bytes32 numbers", function () {
      const names = ["VehicleUsage", "Location", "Age", "TravelHistory", "Gender"] as const;
      const ids = categoryIds(names);
      expect(ids).to.have.length(names.length);
      for (let i = 1; i < ids.length; i++)
        expect(BigInt(ids[i] ?? "0x0") > BigInt(ids[i - 1] ?? "0x0")).to.equal(true);
      expect([...ids].sort()).to.deep.equal(
        [...names.map((n) => expectedId(`${PD_NAMESPACE}${n}`))].sort(),
      );
    });

    it("gives the same ids whatever order and form the names are written in", function () {
      expect(categoryIds(["pd:Location", "Age"])).to.deep.equal(
        categoryIds(["Age", "https://w3id.org/dpv/pd#Location"]),
      );
    });

    it("refuses duplicates, even in different forms", function () {
      const error = thrown(() => categoryIds(["Location", "Age", "pd:Location"]));
      expect(error).to.be.instanceOf(DuplicateTermError);
      expect(error.message).to.contain(
        '"Location" and "pd:Location" name the same term (pd:Location)',
      );
      expect((error as DuplicateTermError).duplicates).to.deep.equal(["Location", "pd:Location"]);
    });

    it("refuses an empty list and a list longer than the contract allows", function () {
      expect(thrown(() => categoryIds([])).message).to.contain(
        "at least one personal-data category",
      );
      const many = PERSONAL_DATA_CATEGORIES.slice(0, MAX_CATEGORIES + 1).map((c) => c.name);
      expect(thrown(() => categoryIds(many)).message).to.contain(`at most ${MAX_CATEGORIES}`);
    });

    it("refuses an unknown category with its name", function () {
      const error = thrown(() => categoryIds(["Location", "Locaton" as CategoryRef]));
      expect(error).to.be.instanceOf(UnknownTermError);
      expect(error.message).to.contain('"Locaton"');
      expect(error.message).to.contain('"Location"');
    });
  });

  describe("dpvId", function () {
    it("hashes any absolute http(s) IRI exactly as given", function () {
      const iri = "https://example.org/city-vocab#TrafficPlanning";
      expect(dpvId(iri)).to.equal(expectedId(iri));
      expect(dpvId("http://example.org/x")).to.equal(expectedId("http://example.org/x"));
      expect(dpvId(`${DPV_NAMESPACE}ResearchAndDevelopment`)).to.equal(
        purposeId("ResearchAndDevelopment"),
      );
    });

    it("refuses strings that are not absolute http(s) IRIs", function () {
      const refused: [string, string][] = [
        ["", "empty"],
        ["Location", "no scheme"],
        ["pd:Location", 'scheme is "pd"'],
        ["urn:example:thing", 'scheme is "urn"'],
        ["https://", "no host"],
        ["https:/w3id.org/dpv", "no host"],
        ["https://w3id.org/dpv#Research And Development", "space"],
      ];
      for (const [iri, reason] of refused) {
        const error = thrown(() => dpvId(iri));
        expect(error, iri).to.be.instanceOf(InvalidIriError);
        expect(error.message, iri).to.contain(`"${iri}"`);
        expect(error.message, iri).to.contain(reason);
      }
    });
  });
});
