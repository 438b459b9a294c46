/**
 * The W3C Data Privacy Vocabulary (DPV) terms the SDK knows, and their on-chain ids.
 *
 * Vocabulary version: DPV 2.2 (released 2025-08-31; the 2.2.1 hotfix of 2025-10-31 changed no concepts).
 * The lists below are transcribed from the DPV 2.2 sources published by the W3C DPVCG in the `w3c/dpv`
 * repository: `2.2/dpv/modules/purposes.csv` (purposes), `2.2/dpv/modules/processing.csv` (processing
 * operations) and `2.2/pd/pd.csv` (the Personal Data extension). Every term of those three taxonomies is
 * listed except the roots themselves (`dpv:Purpose`, `dpv:Processing`, `dpv:PersonalData`). Names are the
 * IRIs' local names, spelled exactly as DPV spells them, including DPV's own misspellings
 * (`pd:Acquantaince`, `pd:VehicalLicenseNumber`): the id is the hash of the exact IRI, so the spelling is
 * part of the identity. `broader` lists a term's parents within the same taxonomy (an empty list marks a
 * top-level term); `specialCategory` marks personal data that DPV also types as
 * `dpv:SpecialCategoryPersonalData` (GDPR Article 9).
 *
 * On chain, a purpose or a category is a `bytes32` id: the keccak256 hash of the UTF-8 bytes of the term's
 * full IRI, e.g. `keccak256("https://w3id.org/dpv#ResearchAndDevelopment")`. Terms of other vocabularies
 * can be used through {@link dpvId}.
 *
 * @module
 */
import { keccak256, toUtf8Bytes } from "ethers";
import { InvalidInputError } from "./errors.js";

/** A `0x`-prefixed hex string (structurally the same as viem's `Hex`). */
export type Hex = `0x${string}`;

/** The DPV version the lists in this module follow. */
export const DPV_VERSION = "2.2";

/** Namespace of the core DPV terms (purposes, processing operations, legal bases), prefix `dpv:`. */
export const DPV_NAMESPACE = "https://w3id.org/dpv#";

/** Namespace of the DPV Personal Data extension (personal-data categories), prefix `pd:`. */
export const PD_NAMESPACE = "https://w3id.org/dpv/pd#";

/**
 * The prefixes accepted in prefixed names such as `"dpv:ServiceProvision"` or `"pd:Location"`.
 *
 * @example
 * ```ts
 * `${DPV_PREFIXES.pd}Location`; // "https://w3id.org/dpv/pd#Location"
 * ```
 */
export const DPV_PREFIXES = { dpv: DPV_NAMESPACE, pd: PD_NAMESPACE } as const;

/**
 * The most categories one consent may cover: `ConsentRegistry.MAX_CATEGORIES`.
 *
 * @example
 * ```ts
 * if (categories.length > MAX_CATEGORIES) throw new Error("split the consent");
 * ```
 */
export const MAX_CATEGORIES = 64;

/**
 * One term of a vocabulary list.
 *
 * @example
 * ```ts
 * const entry: VocabularyEntry = { name: "ScientificResearch", label: "Scientific Research", broader: ["ResearchAndDevelopment"] };
 * ```
 */
export interface VocabularyEntry {
  /** The IRI's local name, e.g. `ResearchAndDevelopment`. */
  readonly name: string;
  /** DPV's English label, e.g. `Research and Development`. */
  readonly label: string;
  /** Names of the term's parents in the same taxonomy; empty for a top-level term. */
  readonly broader: readonly string[];
}

/**
 * One personal-data category of the DPV Personal Data extension.
 *
 * @example
 * ```ts
 * const health = PERSONAL_DATA_CATEGORIES.find((c) => c.name === "Health");
 * health?.specialCategory; // true
 * ```
 */
export interface PersonalDataCategoryEntry extends VocabularyEntry {
  /** Whether DPV types the category as special-category personal data (GDPR Article 9). */
  readonly specialCategory: boolean;
}

/**
 * The DPV 2.2 purposes (`https://w3id.org/dpv#…`), in alphabetical order.
 *
 * Top-level purposes have an empty `broader`. `RightsFulfilment` also has none: DPV places it under the
 * legal basis `dpv:LegalObligation`, outside the purpose taxonomy.
 *
 * @example
 * ```ts
 * const topLevel = PURPOSES.filter((p) => p.broader.length === 0).map((p) => p.name);
 * ```
 */
export const PURPOSES = [
  { name: "AcademicResearch", label: "Academic Research", broader: ["ResearchAndDevelopment"] },
  { name: "AccountManagement", label: "Account Management", broader: [] },
  { name: "Advertising", label: "Advertising", broader: ["Marketing"] },
  { name: "AgeVerification", label: "Age Verification", broader: ["Verification"] },
  { name: "CombatClimateChange", label: "Combat Climate Change", broader: ["PublicBenefit"] },
  { name: "CommercialPurpose", label: "Commercial Purpose", broader: [] },
  {
    name: "CommercialResearch",
    label: "Commercial Research",
    broader: ["CommercialPurpose", "ResearchAndDevelopment"],
  },
  {
    name: "CommunicationForCustomerCare",
    label: "Communication for Customer Care",
    broader: ["CommunicationManagement", "CustomerCare"],
  },
  { name: "CommunicationManagement", label: "Communication Management", broader: [] },
  {
    name: "CounterMoneyLaundering",
    label: "Counter Money Laundering",
    broader: ["FraudPreventionAndDetection"],
  },
  { name: "Counterterrorism", label: "Counterterrorism", broader: ["PublicBenefit"] },
  { name: "CustomerCare", label: "Customer Care", broader: ["CustomerManagement"] },
  {
    name: "CustomerClaimsManagement",
    label: "Customer Claims Management",
    broader: ["CustomerManagement"],
  },
  { name: "CustomerManagement", label: "Customer Management", broader: [] },
  {
    name: "CustomerOrderManagement",
    label: "Customer Order Management",
    broader: ["CustomerManagement"],
  },
  {
    name: "CustomerRelationshipManagement",
    label: "Customer Relationship Management",
    broader: ["CustomerManagement"],
  },
  {
    name: "CustomerSolvencyMonitoring",
    label: "Customer Solvency Monitoring",
    broader: ["CustomerManagement"],
  },
  { name: "DataAltruism", label: "Data Altruism", broader: ["PublicBenefit"] },
  { name: "DeliveryOfGoods", label: "Delivery of Goods", broader: ["RequestedServiceProvision"] },
  { name: "DirectMarketing", label: "Direct Marketing", broader: ["Marketing"] },
  { name: "DisputeManagement", label: "Dispute Management", broader: ["OrganisationGovernance"] },
  { name: "EnforceAccessControl", label: "Enforce Access Control", broader: ["EnforceSecurity"] },
  { name: "EnforceSecurity", label: "Enforce Security", broader: [] },
  { name: "EstablishContractualAgreement", label: "Establish Contractual Agreement", broader: [] },
  {
    name: "FraudPreventionAndDetection",
    label: "Fraud Prevention and Detection",
    broader: ["MisusePreventionAndDetection"],
  },
  {
    name: "FulfilmentOfContractualObligation",
    label: "Fulfilment of Contractual Obligation",
    broader: ["FulfilmentOfObligation"],
  },
  { name: "FulfilmentOfObligation", label: "Fulfilment of Obligation", broader: [] },
  { name: "HumanResourceManagement", label: "Human Resource Management", broader: [] },
  {
    name: "IdentityAuthentication",
    label: "Identity Authentication",
    broader: ["EnforceSecurity"],
  },
  { name: "IdentityVerification", label: "Identity Verification", broader: ["Verification"] },
  {
    name: "ImproveExistingProductsAndServices",
    label: "Improve Existing Products and Services",
    broader: ["OptimisationForController"],
  },
  { name: "ImproveHealthcare", label: "Improve Healthcare", broader: ["PublicBenefit"] },
  {
    name: "ImproveInternalCRMProcesses",
    label: "Improve Internal CRM Processes",
    broader: ["CustomerRelationshipManagement", "OptimisationForController"],
  },
  { name: "ImprovePublicServices", label: "Improve Public Services", broader: ["PublicBenefit"] },
  {
    name: "ImproveTransportMobility",
    label: "Improve Transport and Mobility",
    broader: ["PublicBenefit"],
  },
  {
    name: "IncreaseServiceRobustness",
    label: "Increase Service Robustness",
    broader: ["OptimisationForController"],
  },
  {
    name: "InternalResourceOptimisation",
    label: "Internal Resource Optimisation",
    broader: ["OptimisationForController"],
  },
  { name: "LegalCompliance", label: "Legal Compliance", broader: ["FulfilmentOfObligation"] },
  {
    name: "MaintainFraudDatabase",
    label: "Maintain Fraud Database",
    broader: ["FraudPreventionAndDetection"],
  },
  { name: "Marketing", label: "Marketing", broader: [] },
  {
    name: "MemberPartnerManagement",
    label: "Members and Partners Management",
    broader: ["OrganisationGovernance"],
  },
  {
    name: "MisusePreventionAndDetection",
    label: "Misuse, Prevention and Detection",
    broader: ["EnforceSecurity"],
  },
  { name: "NonCommercialPurpose", label: "Non-commercial Purpose", broader: [] },
  {
    name: "NonCommercialResearch",
    label: "Non-Commercial Research",
    broader: ["NonCommercialPurpose", "ResearchAndDevelopment"],
  },
  {
    name: "OptimisationForConsumer",
    label: "Optimisation for Consumer",
    broader: ["ServiceOptimisation"],
  },
  {
    name: "OptimisationForController",
    label: "Optimisation for Controller",
    broader: ["ServiceOptimisation"],
  },
  {
    name: "OptimiseUserInterface",
    label: "Optimise User Interface",
    broader: ["OptimisationForConsumer"],
  },
  {
    name: "OrganisationComplianceManagement",
    label: "Organisation Compliance Management",
    broader: ["OrganisationGovernance"],
  },
  { name: "OrganisationGovernance", label: "Organisation Governance", broader: [] },
  {
    name: "OrganisationRiskManagement",
    label: "Organisation Risk Management",
    broader: ["OrganisationGovernance"],
  },
  { name: "PaymentManagement", label: "Payment Management", broader: ["ServiceProvision"] },
  { name: "Personalisation", label: "Personalisation", broader: [] },
  {
    name: "PersonalisedAdvertising",
    label: "Personalised Advertising",
    broader: ["Advertising", "Personalisation"],
  },
  {
    name: "PersonalisedBenefits",
    label: "Personalised Benefits",
    broader: ["ServicePersonalisation"],
  },
  {
    name: "PersonnelBehaviourMonitoring",
    label: "Personnel Behaviour Monitoring",
    broader: ["PersonnelMonitoring"],
  },
  { name: "PersonnelHiring", label: "Personnel Hiring", broader: ["PersonnelManagement"] },
  {
    name: "PersonnelManagement",
    label: "Personnel Management",
    broader: ["HumanResourceManagement"],
  },
  { name: "PersonnelMonitoring", label: "Personnel Monitoring", broader: ["PersonnelManagement"] },
  {
    name: "PersonnelOffboarding",
    label: "Personnel Offboarding",
    broader: ["PersonnelManagement"],
  },
  { name: "PersonnelOnboarding", label: "Personnel Onboarding", broader: ["PersonnelHiring"] },
  { name: "PersonnelPayment", label: "Personnel Payment", broader: ["PersonnelManagement"] },
  {
    name: "PersonnelPerformanceEvaluation",
    label: "Personnel Performance Evaluation",
    broader: ["PersonnelPerformanceManagement"],
  },
  {
    name: "PersonnelPerformanceManagement",
    label: "Personnel Performance Management",
    broader: ["PersonnelManagement", "PersonnelMonitoring"],
  },
  {
    name: "PersonnelPerformanceMonitoring",
    label: "Personnel Performance Monitoring",
    broader: ["PersonnelMonitoring", "PersonnelPerformanceManagement"],
  },
  {
    name: "PersonnelPerformancePrediction",
    label: "Personnel Performance Prediction",
    broader: ["PersonnelPerformanceManagement"],
  },
  {
    name: "PersonnelPromotionManagement",
    label: "Personnel Promotion Management",
    broader: ["PersonnelManagement"],
  },
  {
    name: "PersonnelTerminationManagement",
    label: "Personnel Termination Management",
    broader: ["PersonnelManagement"],
  },
  {
    name: "PersonnelWorkloadManagement",
    label: "Personnel Workload Management",
    broader: ["PersonnelManagement"],
  },
  {
    name: "PoliticalCampaign",
    label: "Political Campaign",
    broader: ["Advertising", "Personalisation"],
  },
  {
    name: "ProtectionOfIPR",
    label: "Protection of Intellectual Property Rights",
    broader: ["FulfilmentOfObligation"],
  },
  {
    name: "ProtectionOfNationalSecurity",
    label: "Protection of National Security",
    broader: ["PublicBenefit"],
  },
  {
    name: "ProtectionOfPublicSecurity",
    label: "Protection of Public Security",
    broader: ["PublicBenefit"],
  },
  {
    name: "ProvideEventRecommendations",
    label: "Provide Event Recommendations",
    broader: ["ProvidePersonalisedRecommendations"],
  },
  {
    name: "ProvideOfficialStatistics",
    label: "Provide Official Statistics",
    broader: ["PublicBenefit"],
  },
  {
    name: "ProvidePersonalisedRecommendations",
    label: "Provide Personalised Recommendations",
    broader: ["ServicePersonalisation"],
  },
  {
    name: "ProvideProductRecommendations",
    label: "Provide Product Recommendations",
    broader: ["ProvidePersonalisedRecommendations"],
  },
  { name: "PublicBenefit", label: "Public Benefit", broader: [] },
  { name: "PublicPolicyMaking", label: "Public Policy Making", broader: ["PublicBenefit"] },
  { name: "PublicRelations", label: "Public Relations", broader: ["Marketing"] },
  { name: "RecordManagement", label: "Record Management", broader: [] },
  {
    name: "RecruitmentAdvertising",
    label: "Recruitment Advertising",
    broader: ["Advertising", "PersonnelHiring"],
  },
  {
    name: "RecruitmentApplicantBackgroundCheck",
    label: "Recruitment Applicant Background Check",
    broader: ["RecruitmentManagement"],
  },
  {
    name: "RecruitmentApplicantCriminalBackgroundCheck",
    label: "Recruitment Applicant Criminal Background Check",
    broader: ["RecruitmentManagement"],
  },
  {
    name: "RecruitmentApplicantInformationAuthentication",
    label: "Recruitment Applicant Information Authentication",
    broader: ["RecruitmentManagement"],
  },
  {
    name: "RecruitmentApplicantSelection",
    label: "Recruitment Applicant Selection",
    broader: ["RecruitmentManagement"],
  },
  {
    name: "RecruitmentApplicationAnalysis",
    label: "Recruitment Application Analysis",
    broader: ["RecruitmentApplicationManagement"],
  },
  {
    name: "RecruitmentApplicationManagement",
    label: "Recruitment Application Management",
    broader: ["RecruitmentManagement"],
  },
  {
    name: "RecruitmentApplicationScreening",
    label: "Recruitment Application Screening",
    broader: ["RecruitmentApplicationManagement"],
  },
  {
    name: "RecruitmentInterviewAnalysis",
    label: "Recruitment Interview Analysis",
    broader: ["RecruitmentInterviewManagement"],
  },
  {
    name: "RecruitmentInterviewAssessment",
    label: "Recruitment Interview Assessment",
    broader: ["RecruitmentInterviewManagement"],
  },
  {
    name: "RecruitmentInterviewManagement",
    label: "Recruitment Interview Management",
    broader: ["RecruitmentManagement"],
  },
  {
    name: "RecruitmentInterviewScheduling",
    label: "Recruitment Interview Scheduling",
    broader: ["RecruitmentInterviewManagement"],
  },
  { name: "RecruitmentManagement", label: "Recruitment Management", broader: ["PersonnelHiring"] },
  {
    name: "RecruitmentTargetedAdvertising",
    label: "Targeted Recruitment Advertising",
    broader: ["RecruitmentAdvertising", "TargetedAdvertising"],
  },
  { name: "RepairImpairments", label: "Repair Impairments", broader: ["ServiceProvision"] },
  {
    name: "RequestedServiceProvision",
    label: "Requested Service Provision",
    broader: ["ServiceProvision"],
  },
  { name: "ResearchAndDevelopment", label: "Research and Development", broader: [] },
  { name: "RightsFulfilment", label: "Rights Fulfilment", broader: [] },
  { name: "ScientificResearch", label: "Scientific Research", broader: ["ResearchAndDevelopment"] },
  { name: "SearchFunctionalities", label: "Search Functionalities", broader: ["ServiceProvision"] },
  {
    name: "SellDataToThirdParties",
    label: "Sell Data to Third Parties",
    broader: ["SellProducts"],
  },
  { name: "SellInsightsFromData", label: "Sell Insights from Data", broader: ["SellProducts"] },
  { name: "SellProducts", label: "Sell Products", broader: ["ServiceProvision"] },
  {
    name: "SellProductsToDataSubject",
    label: "Sell Products to Data Subject",
    broader: ["SellProducts"],
  },
  { name: "ServiceOptimisation", label: "Service Optimisation", broader: ["ServiceProvision"] },
  {
    name: "ServicePersonalisation",
    label: "Service Personalisation",
    broader: ["Personalisation", "ServiceProvision"],
  },
  { name: "ServiceProvision", label: "Service Provision", broader: [] },
  { name: "ServiceRegistration", label: "Service Registration", broader: ["ServiceProvision"] },
  {
    name: "ServiceUsageAnalytics",
    label: "Service Usage Analytics",
    broader: ["ServiceProvision"],
  },
  { name: "SocialMediaMarketing", label: "Social Media Marketing", broader: ["Marketing"] },
  {
    name: "TargetedAdvertising",
    label: "Targeted Advertising",
    broader: ["PersonalisedAdvertising"],
  },
  {
    name: "TechnicalServiceProvision",
    label: "Technical Service Provision",
    broader: ["ServiceProvision"],
  },
  {
    name: "UserInterfacePersonalisation",
    label: "User Interface Personalisation",
    broader: ["ServicePersonalisation"],
  },
  { name: "VendorManagement", label: "Vendor Management", broader: [] },
  { name: "VendorPayment", label: "Vendor Payment", broader: ["VendorManagement"] },
  {
    name: "VendorRecordsManagement",
    label: "Vendor Records Management",
    broader: ["VendorManagement"],
  },
  {
    name: "VendorSelectionAssessment",
    label: "Vendor Selection Assessment",
    broader: ["VendorManagement"],
  },
  { name: "Verification", label: "Verification", broader: ["EnforceSecurity"] },
] as const satisfies readonly VocabularyEntry[];

/**
 * The DPV 2.2 processing operations (`https://w3id.org/dpv#…`), in alphabetical order.
 *
 * @example
 * ```ts
 * PROCESSING_CATEGORIES.filter((p) => p.broader.includes("Transform")).map((p) => p.name); // Adapt, Align, …
 * ```
 */
export const PROCESSING_CATEGORIES = [
  { name: "Access", label: "Access", broader: ["Use"] },
  { name: "Acquire", label: "Acquire", broader: ["Obtain"] },
  { name: "Adapt", label: "Adapt", broader: ["Transform"] },
  { name: "Aggregate", label: "Aggregate", broader: ["Alter"] },
  { name: "Align", label: "Align", broader: ["Transform"] },
  { name: "Alter", label: "Alter", broader: ["Transform"] },
  { name: "Analyse", label: "Analyse", broader: ["Use"] },
  { name: "Anonymise", label: "Anonymise", broader: ["Transform"] },
  { name: "Assess", label: "Assess", broader: ["Use"] },
  { name: "Collect", label: "Collect", broader: ["Obtain"] },
  { name: "Combine", label: "Combine", broader: ["Transform"] },
  { name: "Consult", label: "Consult", broader: ["Use"] },
  { name: "Copy", label: "Copy", broader: [] },
  { name: "CrossBorderTransfer", label: "Cross-Border Transfer", broader: ["Transfer"] },
  { name: "Delete", label: "Delete", broader: ["Remove"] },
  { name: "Derive", label: "Derive", broader: ["Obtain"] },
  { name: "Destruct", label: "Destruct", broader: ["Remove"] },
  { name: "Disclose", label: "Disclose", broader: [] },
  { name: "DiscloseByTransmission", label: "Disclose by Transmission", broader: ["Disclose"] },
  { name: "Display", label: "Display", broader: ["Disclose"] },
  { name: "Disseminate", label: "Disseminate", broader: ["Disclose"] },
  { name: "Download", label: "Download", broader: ["Disclose"] },
  { name: "Erase", label: "Erase", broader: ["Remove"] },
  { name: "Export", label: "Export", broader: ["Disclose"] },
  { name: "Filter", label: "Filter", broader: ["Transform"] },
  { name: "Format", label: "Format", broader: ["Structure"] },
  { name: "Generate", label: "Generate", broader: ["Obtain"] },
  { name: "Infer", label: "Infer", broader: ["Derive"] },
  { name: "MakeAvailable", label: "Make Available", broader: ["Disclose"] },
  { name: "Match", label: "Match", broader: ["Use"] },
  { name: "Modify", label: "Modify", broader: ["Alter"] },
  { name: "Monitor", label: "Monitor", broader: ["Consult"] },
  { name: "Move", label: "Move", broader: ["Transfer"] },
  { name: "Observe", label: "Observe", broader: ["Obtain"] },
  { name: "Obtain", label: "Obtain", broader: [] },
  { name: "Organise", label: "Organise", broader: [] },
  { name: "Profiling", label: "Profiling", broader: ["Use"] },
  { name: "Pseudonymise", label: "Pseudonymise", broader: ["Transform"] },
  { name: "Query", label: "Query", broader: ["Consult"] },
  { name: "Record", label: "Record", broader: ["Obtain"] },
  { name: "Reformat", label: "Reformat", broader: ["Format"] },
  { name: "Remove", label: "Remove", broader: [] },
  { name: "Restrict", label: "Restrict", broader: ["Transform"] },
  { name: "Retrieve", label: "Retrieve", broader: ["Use"] },
  { name: "Screen", label: "Screen", broader: ["Transform"] },
  { name: "Share", label: "Share", broader: ["Disclose"] },
  { name: "Store", label: "Store", broader: [] },
  { name: "Structure", label: "Structure", broader: ["Organise"] },
  { name: "Tracking", label: "Tracking", broader: ["Use"] },
  { name: "TrackingByFirstParty", label: "Tracking by First Party", broader: ["Tracking"] },
  { name: "TrackingByThirdParty", label: "Tracking by Third Party", broader: ["Tracking"] },
  { name: "Transfer", label: "Transfer", broader: [] },
  { name: "Transform", label: "Transform", broader: [] },
  { name: "Transmit", label: "Transmit", broader: ["Disclose"] },
  { name: "Use", label: "Use", broader: [] },
] as const satisfies readonly VocabularyEntry[];

/**
 * The personal-data categories of the DPV 2.2 Personal Data extension (`https://w3id.org/dpv/pd#…`), in
 * alphabetical order. The top-level categories are External, Financial, Historical, Household, Internal,
 * Profile, Social and Tracking.
 *
 * @example
 * ```ts
 * const special = PERSONAL_DATA_CATEGORIES.filter((c) => c.specialCategory).map((c) => c.name);
 * ```
 */
export const PERSONAL_DATA_CATEGORIES = [
  { name: "Accent", label: "Accent", broader: ["Language"], specialCategory: false },
  {
    name: "AccountIdentifier",
    label: "Account Identifier",
    broader: ["FinancialAccount"],
    specialCategory: false,
  },
  {
    name: "Acquantaince",
    label: "Acquaintance",
    broader: ["SocialNetwork"],
    specialCategory: false,
  },
  { name: "Age", label: "Age", broader: ["PhysicalCharacteristic"], specialCategory: false },
  { name: "AgeExact", label: "Age Exact", broader: ["AgeRange"], specialCategory: false },
  { name: "AgeRange", label: "Age Range", broader: ["Age"], specialCategory: false },
  {
    name: "ApartmentOwned",
    label: "Apartment Owned",
    broader: ["HouseOwned"],
    specialCategory: false,
  },
  { name: "Association", label: "Association", broader: ["SocialNetwork"], specialCategory: false },
  { name: "Attitude", label: "Attitude", broader: ["Behavioral"], specialCategory: false },
  {
    name: "Authenticating",
    label: "Authenticating",
    broader: ["Internal"],
    specialCategory: false,
  },
  {
    name: "AuthenticationHistory",
    label: "Authentication History",
    broader: ["Behavioral"],
    specialCategory: false,
  },
  {
    name: "BankAccount",
    label: "Bank Account",
    broader: ["FinancialAccount"],
    specialCategory: false,
  },
  { name: "Behavioral", label: "Behavioral", broader: ["External"], specialCategory: false },
  { name: "Biometric", label: "Biometric", broader: ["Identifying"], specialCategory: true },
  { name: "BirthCountry", label: "Birth Country", broader: ["BirthPlace"], specialCategory: false },
  { name: "BirthDate", label: "Birth Date", broader: ["Age"], specialCategory: false },
  { name: "BirthPlace", label: "Birth Place", broader: ["Location"], specialCategory: false },
  { name: "BloodType", label: "Blood Type", broader: ["MedicalHealth"], specialCategory: true },
  {
    name: "BrowserFingerprint",
    label: "Browser Fingerprint",
    broader: ["DeviceBased"],
    specialCategory: false,
  },
  {
    name: "BrowserHistory",
    label: "Browser History",
    broader: ["BrowsingBehavior"],
    specialCategory: false,
  },
  {
    name: "BrowsingBehavior",
    label: "Browsing Behavior",
    broader: ["Behavioral"],
    specialCategory: false,
  },
  {
    name: "BrowsingReferral",
    label: "Browsing Referral",
    broader: ["BrowsingBehavior"],
    specialCategory: false,
  },
  { name: "CallLog", label: "Call Log", broader: ["Behavioral"], specialCategory: false },
  { name: "CarOwned", label: "Car Owned", broader: ["Ownership"], specialCategory: false },
  { name: "Character", label: "Character", broader: ["PublicLife"], specialCategory: false },
  { name: "Citizenship", label: "Citizenship", broader: ["External"], specialCategory: false },
  { name: "City", label: "City", broader: ["PhysicalAddress"], specialCategory: false },
  { name: "Communication", label: "Communication", broader: ["Social"], specialCategory: false },
  {
    name: "CommunicationsMetadata",
    label: "Communications Metadata",
    broader: ["PublicLife"],
    specialCategory: false,
  },
  { name: "Connection", label: "Connection", broader: ["SocialNetwork"], specialCategory: false },
  { name: "Contact", label: "Contact", broader: ["Tracking"], specialCategory: false },
  { name: "Country", label: "Country", broader: ["Location"], specialCategory: false },
  { name: "Credit", label: "Credit", broader: ["Transactional"], specialCategory: false },
  { name: "CreditCapacity", label: "Credit Capacity", broader: ["Credit"], specialCategory: false },
  {
    name: "CreditCardNumber",
    label: "Credit Card Number",
    broader: ["PaymentCardNumber"],
    specialCategory: false,
  },
  { name: "CreditRecord", label: "Credit Record", broader: ["Credit"], specialCategory: false },
  {
    name: "CreditScore",
    label: "Credit Score",
    broader: ["CreditWorthiness"],
    specialCategory: false,
  },
  { name: "CreditStanding", label: "Credit Standing", broader: ["Credit"], specialCategory: false },
  {
    name: "CreditWorthiness",
    label: "Credit Worthiness",
    broader: ["Credit"],
    specialCategory: false,
  },
  { name: "Criminal", label: "Criminal", broader: ["Social"], specialCategory: false },
  {
    name: "CriminalCharge",
    label: "Criminal Charge",
    broader: ["Criminal"],
    specialCategory: false,
  },
  {
    name: "CriminalConviction",
    label: "Criminal Conviction",
    broader: ["Criminal"],
    specialCategory: false,
  },
  {
    name: "CriminalOffense",
    label: "Criminal Offense",
    broader: ["Criminal"],
    specialCategory: false,
  },
  {
    name: "CriminalPardon",
    label: "Criminal Pardon",
    broader: ["Criminal"],
    specialCategory: false,
  },
  {
    name: "CurrentEmployment",
    label: "Current Employment",
    broader: ["EmploymentHistory"],
    specialCategory: false,
  },
  { name: "DNACode", label: "DNA Code", broader: ["MedicalHealth"], specialCategory: true },
  { name: "Demeanor", label: "Demeanor", broader: ["Behavioral"], specialCategory: false },
  { name: "Demographic", label: "Demographic", broader: ["External"], specialCategory: false },
  {
    name: "DeviceApplications",
    label: "Device Applications",
    broader: ["DeviceSoftware"],
    specialCategory: false,
  },
  { name: "DeviceBased", label: "Device Based", broader: ["Tracking"], specialCategory: false },
  {
    name: "DeviceOperatingSystem",
    label: "Device Operating System",
    broader: ["DeviceSoftware"],
    specialCategory: false,
  },
  {
    name: "DeviceSoftware",
    label: "Device Software",
    broader: ["DeviceBased"],
    specialCategory: false,
  },
  { name: "Dialect", label: "Dialect", broader: ["Language"], specialCategory: false },
  {
    name: "DigitalFingerprint",
    label: "Digital Fingerprint",
    broader: ["Tracking"],
    specialCategory: false,
  },
  { name: "Disability", label: "Disability", broader: ["MedicalHealth"], specialCategory: true },
  {
    name: "DisciplinaryAction",
    label: "Disciplinary Action",
    broader: ["Professional"],
    specialCategory: false,
  },
  { name: "Dislike", label: "Dislike", broader: ["Interest"], specialCategory: false },
  { name: "Divorce", label: "Divorce", broader: ["FamilyStructure"], specialCategory: false },
  { name: "Domicile", label: "Domicile", broader: ["Location"], specialCategory: false },
  {
    name: "DrugTestResult",
    label: "Drug Test Result",
    broader: ["MedicalHealth"],
    specialCategory: true,
  },
  { name: "Education", label: "Education", broader: ["Professional"], specialCategory: false },
  {
    name: "EducationExperience",
    label: "Education Experience",
    broader: ["Education"],
    specialCategory: false,
  },
  {
    name: "EducationQualification",
    label: "Education Qualification",
    broader: ["Education"],
    specialCategory: false,
  },
  { name: "EmailAddress", label: "Email Address", broader: ["Contact"], specialCategory: false },
  {
    name: "EmailAddressPersonal",
    label: "Email Address Personal",
    broader: ["EmailAddress"],
    specialCategory: false,
  },
  {
    name: "EmailAddressWork",
    label: "Email Address Work",
    broader: ["EmailAddress"],
    specialCategory: false,
  },
  {
    name: "EmailContent",
    label: "Email Content",
    broader: ["Communication"],
    specialCategory: false,
  },
  { name: "Emotion", label: "Emotion", broader: ["Internal"], specialCategory: false },
  {
    name: "EmploymentHistory",
    label: "Employment History",
    broader: ["Professional"],
    specialCategory: false,
  },
  { name: "EthnicOrigin", label: "Ethnic Origin", broader: ["Ethnicity"], specialCategory: true },
  { name: "Ethnicity", label: "Ethnicity", broader: ["External"], specialCategory: false },
  { name: "External", label: "External", broader: [], specialCategory: false },
  {
    name: "FacialExpression",
    label: "Facial Expression",
    broader: ["Biometric"],
    specialCategory: true,
  },
  { name: "FacialPrint", label: "Facial Print", broader: ["Biometric"], specialCategory: true },
  { name: "Family", label: "Family", broader: ["Social"], specialCategory: false },
  {
    name: "FamilyHealthHistory",
    label: "Family Health History",
    broader: ["HealthHistory"],
    specialCategory: true,
  },
  {
    name: "FamilyStructure",
    label: "Family Structure",
    broader: ["Family"],
    specialCategory: false,
  },
  { name: "Favorite", label: "Favorite", broader: ["Preference"], specialCategory: false },
  { name: "FavoriteColor", label: "Favorite Color", broader: ["Favorite"], specialCategory: false },
  { name: "FavoriteFood", label: "Favorite Food", broader: ["Favorite"], specialCategory: false },
  { name: "FavoriteMusic", label: "Favorite Music", broader: ["Favorite"], specialCategory: false },
  { name: "Fetish", label: "Fetish", broader: ["Sexual"], specialCategory: true },
  { name: "Financial", label: "Financial", broader: [], specialCategory: false },
  {
    name: "FinancialAccount",
    label: "Financial Account",
    broader: ["Financial"],
    specialCategory: false,
  },
  {
    name: "FinancialAccountNumber",
    label: "Financial Account Number",
    broader: ["AccountIdentifier"],
    specialCategory: false,
  },
  {
    name: "FinancialStatus",
    label: "Financial Status",
    broader: ["Financial"],
    specialCategory: false,
  },
  { name: "Fingerprint", label: "Fingerprint", broader: ["Biometric"], specialCategory: true },
  { name: "Friend", label: "Friend", broader: ["SocialNetwork"], specialCategory: false },
  { name: "GPSCoordinate", label: "GPS Coordinate", broader: ["Location"], specialCategory: false },
  { name: "Gender", label: "Gender", broader: ["PhysicalCharacteristic"], specialCategory: false },
  {
    name: "GeneralReputation",
    label: "General Reputation",
    broader: ["PublicLife"],
    specialCategory: false,
  },
  { name: "Genetic", label: "Genetic", broader: ["Health"], specialCategory: true },
  { name: "Geographic", label: "Geographic", broader: ["Demographic"], specialCategory: false },
  {
    name: "GroupMembership",
    label: "Group Membership",
    broader: ["SocialNetwork"],
    specialCategory: false,
  },
  { name: "GroupProfile", label: "Group Profile", broader: ["Profile"], specialCategory: false },
  {
    name: "HairColor",
    label: "Hair Color",
    broader: ["PhysicalCharacteristic"],
    specialCategory: false,
  },
  { name: "Health", label: "Health", broader: ["MedicalHealth"], specialCategory: true },
  {
    name: "HealthHistory",
    label: "Health History",
    broader: ["MedicalHealth"],
    specialCategory: true,
  },
  {
    name: "HealthRecord",
    label: "Health Record",
    broader: ["MedicalHealth"],
    specialCategory: true,
  },
  { name: "Height", label: "Height", broader: ["PhysicalCharacteristic"], specialCategory: false },
  { name: "Historical", label: "Historical", broader: [], specialCategory: false },
  {
    name: "HouseNumber",
    label: "House Number",
    broader: ["PhysicalAddress"],
    specialCategory: false,
  },
  { name: "HouseOwned", label: "House Owned", broader: ["Ownership"], specialCategory: false },
  { name: "Household", label: "Household", broader: [], specialCategory: false },
  { name: "IPAddress", label: "IP Address", broader: ["DeviceBased"], specialCategory: false },
  { name: "Identifier", label: "Identifier", broader: ["Tracking"], specialCategory: false },
  { name: "Identifying", label: "Identifying", broader: ["External"], specialCategory: false },
  { name: "Income", label: "Income", broader: ["Transactional"], specialCategory: false },
  {
    name: "IncomeBracket",
    label: "Income Bracket",
    broader: ["Demographic"],
    specialCategory: false,
  },
  {
    name: "IndividualHealthHistory",
    label: "Individual Health History",
    broader: ["HealthHistory"],
    specialCategory: true,
  },
  {
    name: "IndividualProfile",
    label: "Individual Profile",
    broader: ["Profile"],
    specialCategory: false,
  },
  { name: "Insurance", label: "Insurance", broader: ["Financial"], specialCategory: false },
  { name: "Intention", label: "Intention", broader: ["Preference"], specialCategory: false },
  { name: "Interaction", label: "Interaction", broader: ["PublicLife"], specialCategory: false },
  { name: "Interest", label: "Interest", broader: ["Preference"], specialCategory: false },
  { name: "Internal", label: "Internal", broader: [], specialCategory: false },
  { name: "Job", label: "Job", broader: ["Professional"], specialCategory: false },
  {
    name: "KnowledgeBelief",
    label: "Knowledge and Beliefs",
    broader: ["Internal"],
    specialCategory: false,
  },
  { name: "Language", label: "Language", broader: ["External"], specialCategory: false },
  { name: "LifeHistory", label: "Life History", broader: ["Historical"], specialCategory: false },
  { name: "Like", label: "Like", broader: ["Interest"], specialCategory: false },
  { name: "LinkClicked", label: "Link Clicked", broader: ["Behavioral"], specialCategory: false },
  { name: "LoanRecord", label: "Loan Record", broader: ["Transactional"], specialCategory: false },
  { name: "Locality", label: "Locality", broader: ["PhysicalAddress"], specialCategory: false },
  { name: "Location", label: "Location", broader: ["Tracking"], specialCategory: false },
  { name: "MACAddress", label: "MAC Address", broader: ["DeviceBased"], specialCategory: false },
  {
    name: "MaritalStatus",
    label: "Marital Status",
    broader: ["PublicLife"],
    specialCategory: false,
  },
  { name: "Marriage", label: "Marriage", broader: ["FamilyStructure"], specialCategory: false },
  { name: "MedicalHealth", label: "Medical Health", broader: ["External"], specialCategory: true },
  { name: "MentalHealth", label: "Mental Health", broader: ["Health"], specialCategory: true },
  { name: "Mood", label: "Mood", broader: ["Internal"], specialCategory: false },
  { name: "Name", label: "Name", broader: ["Identifying"], specialCategory: false },
  { name: "Nationality", label: "Nationality", broader: ["External"], specialCategory: false },
  { name: "OfficialID", label: "Official ID", broader: ["Identifying"], specialCategory: false },
  { name: "Offspring", label: "Offspring", broader: ["FamilyStructure"], specialCategory: false },
  { name: "Opinion", label: "Opinion", broader: ["Preference"], specialCategory: false },
  { name: "Ownership", label: "Ownership", broader: ["Financial"], specialCategory: false },
  { name: "PINCode", label: "PIN Code", broader: ["Authenticating"], specialCategory: false },
  { name: "Parent", label: "Parent", broader: ["FamilyStructure"], specialCategory: false },
  { name: "Passport", label: "Passport", broader: ["OfficialID"], specialCategory: false },
  { name: "Password", label: "Password", broader: ["Authenticating"], specialCategory: false },
  {
    name: "PastEmployment",
    label: "Past Employment",
    broader: ["EmploymentHistory"],
    specialCategory: false,
  },
  {
    name: "PaymentCard",
    label: "Payment Card",
    broader: ["FinancialAccount"],
    specialCategory: false,
  },
  {
    name: "PaymentCardExpiry",
    label: "Payment Card Expiry",
    broader: ["PaymentCard"],
    specialCategory: false,
  },
  {
    name: "PaymentCardNumber",
    label: "Payment Card Number",
    broader: ["AccountIdentifier", "PaymentCard"],
    specialCategory: false,
  },
  {
    name: "PerformanceAtWork",
    label: "Performance at Work",
    broader: ["Behavioral", "Professional"],
    specialCategory: false,
  },
  {
    name: "PersonalDocuments",
    label: "Personal Documents",
    broader: ["External"],
    specialCategory: false,
  },
  {
    name: "PersonalPossession",
    label: "Personal Possession",
    broader: ["Ownership"],
    specialCategory: false,
  },
  { name: "Personality", label: "Personality", broader: ["Behavioral"], specialCategory: false },
  {
    name: "PhilosophicalBelief",
    label: "Philosophical Belief",
    broader: ["KnowledgeBelief"],
    specialCategory: true,
  },
  {
    name: "PhysicalAddress",
    label: "Physical Address",
    broader: ["Contact", "Location"],
    specialCategory: false,
  },
  {
    name: "PhysicalCharacteristic",
    label: "Physical Characteristic",
    broader: ["External"],
    specialCategory: false,
  },
  { name: "PhysicalHealth", label: "Physical Health", broader: ["Health"], specialCategory: true },
  {
    name: "PhysicalTrait",
    label: "Physical Trait",
    broader: ["Demographic"],
    specialCategory: false,
  },
  { name: "Picture", label: "Picture", broader: ["Identifying"], specialCategory: false },
  {
    name: "Piercing",
    label: "Piercing",
    broader: ["PhysicalCharacteristic"],
    specialCategory: false,
  },
  {
    name: "PoliticalAffiliation",
    label: "Political Affiliation",
    broader: ["PublicLife"],
    specialCategory: true,
  },
  {
    name: "PoliticalOpinion",
    label: "Political Opinion",
    broader: ["PublicLife"],
    specialCategory: true,
  },
  {
    name: "PostalCode",
    label: "Postal Code",
    broader: ["PhysicalAddress"],
    specialCategory: false,
  },
  { name: "Preference", label: "Preference", broader: ["Internal"], specialCategory: false },
  {
    name: "Prescription",
    label: "Prescription",
    broader: ["MedicalHealth"],
    specialCategory: true,
  },
  {
    name: "PrivacyPreference",
    label: "Privacy Preference",
    broader: ["Preference"],
    specialCategory: false,
  },
  { name: "Proclivity", label: "Proclivity", broader: ["Sexual"], specialCategory: true },
  { name: "Professional", label: "Professional", broader: ["Social"], specialCategory: false },
  {
    name: "ProfessionalCertification",
    label: "Professional Certification",
    broader: ["Professional"],
    specialCategory: false,
  },
  {
    name: "ProfessionalEvaluation",
    label: "Professional Evaluation",
    broader: ["Professional"],
    specialCategory: false,
  },
  {
    name: "ProfessionalInterview",
    label: "Professional Interview",
    broader: ["Professional"],
    specialCategory: false,
  },
  { name: "Profile", label: "Profile", broader: [], specialCategory: false },
  { name: "PublicLife", label: "Public Life", broader: ["Social"], specialCategory: false },
  {
    name: "PubliclyAvailableSocialMedia",
    label: "Publicly Available Social Media",
    broader: ["SocialMedia"],
    specialCategory: false,
  },
  { name: "Purchase", label: "Purchase", broader: ["Transactional"], specialCategory: false },
  {
    name: "PurchasesAndSpendingHabit",
    label: "Purchases and Spending Habit",
    broader: ["Transactional"],
    specialCategory: false,
  },
  { name: "Race", label: "Race", broader: ["Ethnicity"], specialCategory: true },
  { name: "Reference", label: "Reference", broader: ["Professional"], specialCategory: false },
  { name: "Region", label: "Region", broader: ["PhysicalAddress"], specialCategory: false },
  { name: "Relationship", label: "Relationship", broader: ["Family"], specialCategory: false },
  { name: "Reliability", label: "Reliability", broader: ["Behavioral"], specialCategory: false },
  { name: "Religion", label: "Religion", broader: ["PublicLife"], specialCategory: true },
  {
    name: "ReligiousBelief",
    label: "Religious Belief",
    broader: ["KnowledgeBelief"],
    specialCategory: true,
  },
  { name: "Residency", label: "Residency", broader: ["Location"], specialCategory: false },
  { name: "Retina", label: "Retina", broader: ["Biometric"], specialCategory: true },
  {
    name: "RoomNumber",
    label: "Room Number",
    broader: ["PhysicalAddress"],
    specialCategory: false,
  },
  { name: "Salary", label: "Salary", broader: ["Professional"], specialCategory: false },
  { name: "Sale", label: "Sale", broader: ["Transactional"], specialCategory: false },
  { name: "School", label: "School", broader: ["Professional"], specialCategory: false },
  { name: "SecretText", label: "Secret Text", broader: ["Authenticating"], specialCategory: false },
  {
    name: "ServiceConsumptionBehavior",
    label: "Service Consumption Behavior",
    broader: ["Behavioral"],
    specialCategory: false,
  },
  { name: "Sexual", label: "Sexual", broader: ["External"], specialCategory: true },
  { name: "SexualHistory", label: "Sexual History", broader: ["Sexual"], specialCategory: true },
  {
    name: "SexualPreference",
    label: "Sexual Preference",
    broader: ["Sexual"],
    specialCategory: true,
  },
  { name: "Sibling", label: "Sibling", broader: ["FamilyStructure"], specialCategory: false },
  {
    name: "SkinTone",
    label: "Skin Tone",
    broader: ["PhysicalCharacteristic"],
    specialCategory: false,
  },
  { name: "Social", label: "Social", broader: [], specialCategory: false },
  {
    name: "SocialMedia",
    label: "Social Media",
    broader: ["Communication"],
    specialCategory: false,
  },
  {
    name: "SocialMediaCommunication",
    label: "Social Media Communication",
    broader: ["Communication"],
    specialCategory: false,
  },
  { name: "SocialNetwork", label: "Social Network", broader: ["Social"], specialCategory: false },
  { name: "SocialStatus", label: "Social Status", broader: ["PublicLife"], specialCategory: false },
  { name: "Street", label: "Street", broader: ["PhysicalAddress"], specialCategory: false },
  {
    name: "TVViewingBehavior",
    label: "TV Viewing Behavior",
    broader: ["ServiceConsumptionBehavior"],
    specialCategory: false,
  },
  { name: "Tattoo", label: "Tattoo", broader: ["PhysicalCharacteristic"], specialCategory: false },
  { name: "Tax", label: "Tax", broader: ["Transactional"], specialCategory: false },
  {
    name: "TelephoneNumber",
    label: "Telephone Number",
    broader: ["Contact"],
    specialCategory: false,
  },
  { name: "Thought", label: "Thought", broader: ["KnowledgeBelief"], specialCategory: false },
  { name: "Tracking", label: "Tracking", broader: [], specialCategory: false },
  {
    name: "TradeUnionMembership",
    label: "Trade Union Membership",
    broader: ["GroupMembership"],
    specialCategory: true,
  },
  { name: "Transaction", label: "Transaction", broader: ["Transactional"], specialCategory: false },
  { name: "Transactional", label: "Transactional", broader: ["Financial"], specialCategory: false },
  { name: "TravelHistory", label: "Travel History", broader: ["Location"], specialCategory: false },
  { name: "UID", label: "UID", broader: ["Identifying"], specialCategory: false },
  { name: "UserAgent", label: "User agent", broader: ["Tracking"], specialCategory: false },
  { name: "Username", label: "Username", broader: ["Identifying"], specialCategory: false },
  {
    name: "VehicalLicenseNumber",
    label: "Vehicle License Number",
    broader: ["VehicleLicense"],
    specialCategory: false,
  },
  {
    name: "VehicalLicenseRegistration",
    label: "Vehicle License Registration",
    broader: ["VehicleLicense"],
    specialCategory: false,
  },
  { name: "Vehicle", label: "Vehicle", broader: ["External"], specialCategory: false },
  {
    name: "VehicleLicense",
    label: "Vehicle License",
    broader: ["Identifying", "Vehicle"],
    specialCategory: false,
  },
  {
    name: "VehicleUsage",
    label: "Vehicle Usage",
    broader: ["Behavioral", "Vehicle"],
    specialCategory: false,
  },
  {
    name: "VoiceCommunicationRecording",
    label: "Voice Communication Recording",
    broader: ["Communication"],
    specialCategory: false,
  },
  { name: "VoiceMail", label: "Voice Mail", broader: ["Communication"], specialCategory: false },
  { name: "Weight", label: "Weight", broader: ["PhysicalCharacteristic"], specialCategory: false },
  {
    name: "WorkEnvironment",
    label: "Work Environment",
    broader: ["Professional"],
    specialCategory: false,
  },
  { name: "WorkHistory", label: "Work History", broader: ["Professional"], specialCategory: false },
] as const satisfies readonly PersonalDataCategoryEntry[];

/** Short name of a known purpose, e.g. `"ResearchAndDevelopment"`. */
export type PurposeName = (typeof PURPOSES)[number]["name"];
/** Short name of a known processing operation, e.g. `"Collect"`. */
export type ProcessingName = (typeof PROCESSING_CATEGORIES)[number]["name"];
/** Short name of a known personal-data category, e.g. `"Location"`. */
export type PersonalDataCategoryName = (typeof PERSONAL_DATA_CATEGORIES)[number]["name"];

/**
 * A known purpose, written as its short name, its prefixed name or its full IRI.
 *
 * @example
 * ```ts
 * const a: PurposeRef = "ResearchAndDevelopment";
 * const b: PurposeRef = "dpv:ResearchAndDevelopment";
 * const c: PurposeRef = "https://w3id.org/dpv#ResearchAndDevelopment";
 * ```
 */
export type PurposeRef =
  PurposeName | `dpv:${PurposeName}` | `${typeof DPV_NAMESPACE}${PurposeName}`;

/**
 * A known processing operation, written as its short name, its prefixed name or its full IRI.
 *
 * @example
 * ```ts
 * const operations: ProcessingRef[] = ["Collect", "dpv:Analyse", "https://w3id.org/dpv#Anonymise"];
 * ```
 */
export type ProcessingRef =
  ProcessingName | `dpv:${ProcessingName}` | `${typeof DPV_NAMESPACE}${ProcessingName}`;

/**
 * A known personal-data category, written as its short name, its prefixed name or its full IRI.
 *
 * @example
 * ```ts
 * const categories: CategoryRef[] = ["Location", "pd:Age", "https://w3id.org/dpv/pd#TravelHistory"];
 * ```
 */
export type CategoryRef =
  | PersonalDataCategoryName
  | `pd:${PersonalDataCategoryName}`
  | `${typeof PD_NAMESPACE}${PersonalDataCategoryName}`;

/**
 * What a vocabulary term is used for on chain: a purpose, a personal-data category, or a processing
 * operation.
 *
 * @example
 * ```ts
 * const kind: TermKind = termOf(id)?.kind ?? "purpose";
 * ```
 */
export type TermKind = "purpose" | "category" | "processing";

/**
 * A known vocabulary term with its IRI and on-chain id.
 *
 * @example
 * ```ts
 * const term: DpvTerm | undefined = termOf(purposeId("ResearchAndDevelopment"));
 * term?.iri; // "https://w3id.org/dpv#ResearchAndDevelopment"
 * ```
 */
export interface DpvTerm {
  readonly kind: TermKind;
  /** The IRI's local name, e.g. `Location`. */
  readonly name: string;
  /** The prefixed name, e.g. `pd:Location`. */
  readonly prefixedName: string;
  /** The full IRI, e.g. `https://w3id.org/dpv/pd#Location`. */
  readonly iri: string;
  /** keccak256 of the IRI's UTF-8 bytes, lowercase hex: the term's `bytes32` id on chain. */
  readonly id: Hex;
  /** DPV's English label. */
  readonly label: string;
  /** Names of the term's parents in the same taxonomy; empty for a top-level term. */
  readonly broader: readonly string[];
  /** Whether DPV types the term as special-category personal data (only ever true for categories). */
  readonly specialCategory: boolean;
}

const KIND_WORDS: Record<TermKind, { noun: string; plural: string; list: string; fn: string }> = {
  purpose: { noun: "purpose", plural: "purposes", list: "PURPOSES", fn: "purposeId" },
  category: {
    noun: "personal-data category",
    plural: "personal-data categories",
    list: "PERSONAL_DATA_CATEGORIES",
    fn: "categoryId",
  },
  processing: {
    noun: "processing operation",
    plural: "processing operations",
    list: "PROCESSING_CATEGORIES",
    fn: "processingId",
  },
};

const KIND_PREFIX: Record<TermKind, keyof typeof DPV_PREFIXES> = {
  purpose: "dpv",
  category: "pd",
  processing: "dpv",
};

/**
 * Refused input: a term name or IRI that the SDK's DPV lists do not contain, for the kind of term asked for.
 *
 * @example
 * ```ts
 * try {
 *   purposeId("ResearchAndDevelopmnt" as PurposeRef);
 * } catch (error) {
 *   if (error instanceof UnknownTermError) console.log(error.suggestions); // ["ResearchAndDevelopment"]
 * }
 * ```
 */
export class UnknownTermError extends InvalidInputError {
  /** What was given. */
  readonly given: string;
  /** The kind of term that was asked for. */
  readonly kind: TermKind;
  /** Known names of that kind close to what was given, best first (may be empty). */
  readonly suggestions: readonly string[];

  constructor(params: {
    given: string;
    kind: TermKind;
    suggestions: readonly string[];
    otherKind?: DpvTerm | undefined;
  }) {
    const words = KIND_WORDS[params.kind];
    const prefix = KIND_PREFIX[params.kind];
    const sample =
      params.kind === "category"
        ? "Location"
        : params.kind === "purpose"
          ? "ServiceProvision"
          : "Collect";
    let message: string;
    if (params.otherKind) {
      const other = KIND_WORDS[params.otherKind.kind];
      message = `"${params.given}" is a DPV ${other.noun}, not a ${words.noun}: use ${other.fn}("${params.otherKind.prefixedName}") for it.`;
    } else {
      message = `Unknown DPV ${words.noun} "${params.given}".`;
    }
    if (params.suggestions.length > 0) {
      const quoted = params.suggestions.map((s) => `"${s}"`);
      const list =
        quoted.length === 1
          ? quoted[0]
          : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
      message += ` Did you mean ${list}?`;
    } else if (!params.otherKind) {
      message += ` No known ${words.noun} has a close name.`;
    }
    super(message, {
      details:
        `A ${words.noun} is accepted as a short name ("${sample}"), a prefixed name ("${prefix}:${sample}") or ` +
        `a full IRI ("${DPV_PREFIXES[prefix]}${sample}"); names are case-sensitive. The known ${words.plural} ` +
        `(DPV ${DPV_VERSION}) are listed in ${words.list}. For a term of another vocabulary, use dpvId(iri).`,
    });
    this.given = params.given;
    this.kind = params.kind;
    this.suggestions = params.suggestions;
  }
}

/**
 * Refused input: a list that names the same term twice (in the same or in different forms).
 *
 * @example
 * ```ts
 * try { categoryIds(["Location", "pd:Location"]); }
 * catch (error) { if (error instanceof DuplicateTermError) console.log(error.duplicates); }
 * ```
 */
export class DuplicateTermError extends InvalidInputError {
  /** The two inputs that name the same term. */
  readonly duplicates: readonly [string, string];

  constructor(first: string, second: string, term: DpvTerm) {
    const same =
      first === second
        ? `"${first}" is listed twice`
        : `"${first}" and "${second}" name the same term`;
    super(`${same} (${term.prefixedName}): list each ${KIND_WORDS[term.kind].noun} once.`, {
      details:
        "The ConsentRegistry stores a consent's categories as a set, written in strictly ascending order of their ids, with no repeats.",
    });
    this.duplicates = [first, second];
  }
}

/**
 * Refused input: a string that is not an absolute `http:` or `https:` IRI.
 *
 * @example
 * ```ts
 * try { dpvId("Location"); }
 * catch (error) { if (error instanceof InvalidIriError) console.log(error.shortMessage); }
 * ```
 */
export class InvalidIriError extends InvalidInputError {
  /** What was given. */
  readonly given: string;

  constructor(given: string, reason: string) {
    super(`"${given}" is not an absolute http(s) IRI: ${reason}.`, {
      details:
        'Give the full IRI of the term, e.g. "https://w3id.org/dpv#ResearchAndDevelopment" or "https://example.org/vocab#MyPurpose". ' +
        "For a DPV term you may use purposeId, categoryId or processingId with its short name instead.",
    });
    this.given = given;
  }
}

function hashIri(iri: string): Hex {
  return keccak256(toUtf8Bytes(iri)) as Hex;
}

/**
 * The on-chain id of any term: keccak256 of the UTF-8 bytes of its full IRI. This is the escape hatch for
 * vocabularies other than DPV; the IRI is hashed exactly as given (no normalisation).
 *
 * @param iri An absolute `http:` or `https:` IRI.
 * @returns The `bytes32` id as lowercase hex.
 * @throws {InvalidIriError} When `iri` is not an absolute http(s) IRI.
 * @example
 * ```ts
 * const id = dpvId("https://example.org/city-vocab#TrafficPlanning");
 * ```
 */
export function dpvId(iri: string): Hex {
  if (typeof iri !== "string" || iri.length === 0)
    throw new InvalidIriError(String(iri), "it is empty");
  // IRIs (RFC 3987) may hold non-ASCII characters but never spaces, controls, or these delimiters.
  if (/[\s\u0000-\u001f\u007f<>"{}|\\^`]/u.test(iri)) {
    throw new InvalidIriError(
      iri,
      'it contains a space, a control character or one of < > " { } | \\ ^ `',
    );
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(iri)?.[1];
  if (scheme === undefined)
    throw new InvalidIriError(iri, 'it has no scheme (it should start with "https://")');
  if (scheme !== "http" && scheme !== "https") {
    throw new InvalidIriError(
      iri,
      `its scheme is "${scheme}", but only http and https are accepted`,
    );
  }
  const authority = iri.startsWith(`${scheme}://`)
    ? /^[^/?#]*/.exec(iri.slice(scheme.length + 3))?.[0]
    : "";
  if (!authority) {
    throw new InvalidIriError(
      iri,
      `it has no host (it should start with "${scheme}://" and a domain)`,
    );
  }
  try {
    new URL(iri);
  } catch {
    throw new InvalidIriError(iri, "it cannot be parsed as a URL");
  }
  return hashIri(iri);
}

function buildTerms(
  kind: TermKind,
  entries: readonly (VocabularyEntry & { readonly specialCategory?: boolean })[],
): DpvTerm[] {
  const prefix = KIND_PREFIX[kind];
  return entries.map((entry) => {
    const iri = `${DPV_PREFIXES[prefix]}${entry.name}`;
    return Object.freeze({
      kind,
      name: entry.name,
      prefixedName: `${prefix}:${entry.name}`,
      iri,
      id: hashIri(iri),
      label: entry.label,
      broader: entry.broader,
      specialCategory: entry.specialCategory ?? false,
    });
  });
}

const TERMS_BY_KIND: Record<TermKind, readonly DpvTerm[]> = {
  purpose: buildTerms("purpose", PURPOSES),
  category: buildTerms("category", PERSONAL_DATA_CATEGORIES),
  processing: buildTerms("processing", PROCESSING_CATEGORIES),
};
const ALL_TERMS: readonly DpvTerm[] = [
  ...TERMS_BY_KIND.purpose,
  ...TERMS_BY_KIND.category,
  ...TERMS_BY_KIND.processing,
];
const TERM_BY_IRI = new Map<string, DpvTerm>(ALL_TERMS.map((term) => [term.iri, term]));
const TERM_BY_ID = new Map<string, DpvTerm>(ALL_TERMS.map((term) => [term.id, term]));

/** Turns a short name, a prefixed name or an IRI into the IRI it denotes for `kind` (without checking it). */
function iriFor(kind: TermKind, nameOrIri: string): string {
  const prefixed = /^([a-z]+):(.*)$/.exec(nameOrIri);
  if (prefixed && !nameOrIri.includes("//")) {
    const namespace = DPV_PREFIXES[prefixed[1] as keyof typeof DPV_PREFIXES] as string | undefined;
    if (namespace !== undefined) return `${namespace}${prefixed[2] ?? ""}`;
    return nameOrIri;
  }
  if (nameOrIri.includes(":")) return nameOrIri;
  return `${DPV_PREFIXES[KIND_PREFIX[kind]]}${nameOrIri}`;
}

/** The local name of an IRI or prefixed name (after `#`, the last `/` or the prefix's `:`). */
function localName(nameOrIri: string): string {
  const hash = nameOrIri.lastIndexOf("#");
  if (hash >= 0) return nameOrIri.slice(hash + 1);
  if (nameOrIri.includes("://")) return nameOrIri.slice(nameOrIri.lastIndexOf("/") + 1);
  const colon = nameOrIri.indexOf(":");
  return colon >= 0 ? nameOrIri.slice(colon + 1) : nameOrIri;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The lowercase words of a CamelCase name, e.g. `HouseAddress` → `house`, `address`. */
function words(name: string): string[] {
  return (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? []).map((w) => w.toLowerCase());
}

/**
 * Common names that DPV spells differently, to suggest (never to accept: an id is the hash of the exact IRI).
 */
const CATEGORY_HINTS: Readonly<Record<string, readonly string[]>> = {
  address: ["PhysicalAddress"],
  homeaddress: ["PhysicalAddress"],
  houseaddress: ["PhysicalAddress", "HouseNumber"],
  postaladdress: ["PhysicalAddress", "PostalCode"],
  phone: ["TelephoneNumber"],
  phonenumber: ["TelephoneNumber"],
  mobilenumber: ["TelephoneNumber"],
  email: ["EmailAddress"],
  dateofbirth: ["BirthDate"],
  sex: ["Gender"],
  fullname: ["Name"],
  firstname: ["Name"],
  lastname: ["Name"],
  surname: ["Name"],
  geolocation: ["Location", "GPSCoordinate"],
  gps: ["GPSCoordinate"],
  zipcode: ["PostalCode"],
};

/** Known names of `kind` close to `given`, best first, at most `limit`. */
function suggest(kind: TermKind, given: string, limit = 3): string[] {
  const local = localName(given.trim());
  const wanted = local.toLowerCase();
  if (wanted.length === 0) return [];
  const wantedWords = new Set(words(local).filter((w) => w.length >= 3));
  const scores = new Map<string, number>();
  const hints = kind === "category" ? (CATEGORY_HINTS[wanted.replace(/[^a-z]/g, "")] ?? []) : [];
  hints.forEach((name, index) => scores.set(name, index / 10));
  for (const term of TERMS_BY_KIND[kind]) {
    if (scores.has(term.name)) continue;
    const candidate = term.name.toLowerCase();
    const distance = editDistance(wanted, candidate);
    let score: number;
    if (candidate === wanted) score = 0;
    else if (wanted.length >= 4 && (candidate.includes(wanted) || wanted.includes(candidate))) {
      score = 1 + Math.abs(candidate.length - wanted.length) / 100;
    } else if (distance <= Math.max(2, Math.floor(wanted.length / 3))) {
      score = 1 + distance;
    } else {
      const shared = words(term.name).filter((w) => wantedWords.has(w)).length;
      if (shared === 0) continue;
      score = 10 - shared + distance / 100;
    }
    scores.set(term.name, score);
  }
  // Names that merely share a word with what was given are offered only when nothing is closer.
  const hasClose = [...scores.values()].some((score) => score < 9);
  return [...scores.entries()]
    .filter(([, score]) => !hasClose || score < 9)
    .sort(([nameA, a], [nameB, b]) => a - b || nameA.localeCompare(nameB))
    .slice(0, limit)
    .map(([name]) => name);
}

/**
 * Looks up a known term of `kind` written as a short name, a prefixed name or a full IRI; returns
 * `undefined` when it is not known. Accepts any string, e.g. from a form or a file.
 *
 * @example
 * ```ts
 * findTerm("category", "pd:Location")?.id;      // same as categoryId("Location")
 * findTerm("purpose", "NoSuchPurpose");         // undefined
 * ```
 */
export function findTerm(kind: TermKind, nameOrIri: string): DpvTerm | undefined {
  if (typeof nameOrIri !== "string") return undefined;
  const term = TERM_BY_IRI.get(iriFor(kind, nameOrIri));
  return term?.kind === kind ? term : undefined;
}

/**
 * Looks up a known term of `kind` written as a short name, a prefixed name or a full IRI, and refuses
 * anything else. Accepts any string; prefer the typed {@link purposeId}, {@link categoryId} and
 * {@link processingId} when the name is written in code.
 *
 * @throws {UnknownTermError} When the term is unknown for `kind`; the message names what was given and
 * suggests close names.
 * @example
 * ```ts
 * const purpose = resolveTerm("purpose", formValue); // DpvTerm
 * await registry.grant(grantee, purpose.id, categories, validUntil, receiptHash);
 * ```
 */
export function resolveTerm(kind: TermKind, nameOrIri: string): DpvTerm {
  const found = findTerm(kind, nameOrIri);
  if (found) return found;
  const given = String(nameOrIri);
  let otherKind: DpvTerm | undefined;
  if (typeof nameOrIri === "string") {
    for (const other of ["purpose", "category", "processing"] as const) {
      if (other === kind) continue;
      otherKind = findTerm(other, nameOrIri);
      if (otherKind) break;
    }
  }
  throw new UnknownTermError({ given, kind, suggestions: suggest(kind, given), otherKind });
}

/**
 * The on-chain id of a known DPV purpose.
 *
 * @param purpose A short name (`"ResearchAndDevelopment"`), a prefixed name (`"dpv:ResearchAndDevelopment"`)
 * or a full IRI (`"https://w3id.org/dpv#ResearchAndDevelopment"`).
 * @throws {UnknownTermError} When the purpose is not in {@link PURPOSES}.
 * @example
 * ```ts
 * const purpose = purposeId("ScientificResearch");
 * ```
 */
export function purposeId(purpose: PurposeRef): Hex {
  return resolveTerm("purpose", purpose).id;
}

/**
 * The on-chain id of a known DPV personal-data category.
 *
 * @param category A short name (`"Location"`), a prefixed name (`"pd:Location"`) or a full IRI
 * (`"https://w3id.org/dpv/pd#Location"`).
 * @throws {UnknownTermError} When the category is not in {@link PERSONAL_DATA_CATEGORIES}.
 * @example
 * ```ts
 * const location = categoryId("pd:Location");
 * ```
 */
export function categoryId(category: CategoryRef): Hex {
  return resolveTerm("category", category).id;
}

/**
 * The on-chain id of a known DPV processing operation.
 *
 * @param processing A short name (`"Anonymise"`), a prefixed name (`"dpv:Anonymise"`) or a full IRI
 * (`"https://w3id.org/dpv#Anonymise"`).
 * @throws {UnknownTermError} When the operation is not in {@link PROCESSING_CATEGORIES}.
 * @example
 * ```ts
 * const anonymise = processingId("Anonymise");
 * ```
 */
export function processingId(processing: ProcessingRef): Hex {
  return resolveTerm("processing", processing).id;
}

/**
 * Reverse lookup: the known term whose on-chain id is `id`, or `undefined` when no known term has it
 * (e.g. a custom vocabulary's term).
 *
 * @param id A `bytes32` id, in any letter case.
 * @throws {InvalidInputError} When `id` is not 32 bytes of hex.
 * @example
 * ```ts
 * const term = termOf(event.args.purpose);
 * console.log(term ? `${term.kind} ${term.label}` : "unknown purpose");
 * ```
 */
export function termOf(id: Hex): DpvTerm | undefined {
  if (typeof id !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(id)) {
    throw new InvalidInputError(
      `"${String(id)}" is not a term id: expected 0x followed by 64 hex digits (32 bytes).`,
    );
  }
  return TERM_BY_ID.get(id.toLowerCase());
}

/**
 * The on-chain ids of known personal-data categories, sorted strictly ascending as `bytes32` numbers, as
 * the ConsentRegistry requires for a consent's categories.
 *
 * @param categories Between 1 and {@link MAX_CATEGORIES} categories, each written as a short name, a
 * prefixed name or a full IRI.
 * @throws {UnknownTermError} When a category is unknown.
 * @throws {DuplicateTermError} When two entries name the same category.
 * @throws {InvalidInputError} When the list is empty or longer than {@link MAX_CATEGORIES}.
 * @example
 * ```ts
 * const categories = categoryIds(["Location", "TravelHistory", "VehicleUsage"]);
 * await registry.grant(grantee, purposeId("ImproveTransportMobility"), categories, validUntil, receiptHash);
 * ```
 */
export function categoryIds(categories: readonly CategoryRef[]): Hex[] {
  if (!Array.isArray(categories) || categories.length === 0) {
    throw new InvalidInputError(
      "A consent needs at least one personal-data category; none was given.",
    );
  }
  if (categories.length > MAX_CATEGORIES) {
    throw new InvalidInputError(
      `A consent covers at most ${MAX_CATEGORIES} personal-data categories; ${categories.length} were given.`,
      {
        details:
          "Use a broader category (e.g. pd:Location for pd:GPSCoordinate and pd:Country), or split the consent.",
      },
    );
  }
  const seen = new Map<string, string>();
  const ids: Hex[] = [];
  for (const category of categories) {
    const term = resolveTerm("category", category);
    const earlier = seen.get(term.id);
    if (earlier !== undefined) throw new DuplicateTermError(earlier, category, term);
    seen.set(term.id, category);
    ids.push(term.id);
  }
  // Equal-length lowercase hex strings compare like the numbers they encode.
  return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
