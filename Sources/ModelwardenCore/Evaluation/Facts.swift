import Foundation

/// The facts rules can read about one usage, by path (`deployment.environment`, `license.kind`, ...).
/// A class, so the fact lookup closure handed to each rule captures one reference, not a copy of every field.
public final class UsageFacts {
    public let resolved: ResolvedUsage
    public let deployment: Deployment?
    public let organization: Organization

    public init(resolved: ResolvedUsage, deployment: Deployment?, organization: Organization) {
        self.resolved = resolved
        self.deployment = deployment
        self.organization = organization
    }

    /// Every path, with what it means; `modelwarden explain --facts` prints this.
    public static let catalog: [(path: String, meaning: String)] = [
        ("deployment.kind", "Deployment, StatefulSet, ComposeService, LiteLLMProxy, EnvFile, ..."),
        ("deployment.namespace", "Kubernetes namespace (or the compose project)"),
        ("deployment.name", "workload name"),
        ("deployment.environment", "production | staging | development, from labels or namespace defaults"),
        ("deployment.data_classification", "public | internal | confidential | restricted"),
        ("deployment.personal_data", "true when the workload handles personal data"),
        ("deployment.product", "the product the workload belongs to"),
        ("deployment.attribution", "the attribution text the product displays"),
        ("usage.model", "the model id as written"),
        ("usage.hosting", "self-hosted | external-api"),
        ("usage.runtime", "vllm, tgi, ollama, ... (self-hosted)"),
        ("usage.api", "openai, anthropic, aws-bedrock, ... (external)"),
        ("usage.pinned", "false for a reference without version or tag (llama3, :latest, gpt-4o)"),
        ("usage.file", "the file the usage was found in"),
        ("usage.declared_license", "the licence a model file declares about itself (GGUF general.license, model card license:)"),
        ("usage.declared_license_source", "where that declaration is written"),
        ("license.matches_declared", "false when the model file's own licence differs from the catalog's (unset without either)"),
        ("model.known", "the catalog recognises the model"),
        ("model.id", "catalog entry id"),
        ("model.vendor", "maker of the base model"),
        ("model.family", "normalised family"),
        ("model.modalities", "text, image, audio, video, embedding"),
        ("model.multimodal", "takes more than text"),
        ("model.open_weights", "weights are published"),
        ("model.base_model", "the entry a derivative comes from"),
        ("license.known", "the governing licence is known"),
        ("license.id", "licence or API terms id"),
        ("license.name", "full name"),
        ("license.kind", "permissive | conditional | non-commercial | research-only | commercial-api"),
        ("license.spdx", "SPDX id, where one exists"),
        ("license.attribution", "attribution text the licence requires"),
        ("license.notice", "notice line to ship"),
        ("license.mau_threshold", "monthly-active-user threshold"),
        ("license.eu_multimodal_restriction", "rights for multimodal models withheld from EU licensees"),
        ("provider.id", "external API provider"),
        ("provider.name", "provider name"),
        ("provider.approved", "listed in the organisation's approved_providers"),
        ("provider.zero_data_retention", "the organisation has a zero-data-retention agreement"),
        ("provider.tier", "free | paid | enterprise, from the organisation's agreement"),
        ("provider.trains_on_api_data", "no | yes | depends-on-tier"),
        ("provider.may_train_on_data", "the terms allow training on what this organisation sends"),
        ("provider.retention_days", "standard retention of prompts and outputs"),
        ("product.name", "the deployment's product"),
        ("product.monthly_active_users", "the product's monthly active users"),
        ("org.name", "organisation name"),
        ("org.jurisdiction", "EU or a country code"),
        ("org.commercial_use", "the organisation uses models commercially"),
    ]

    public static let paths: Set<String> = Set(catalog.map(\.path))

    /// Each path as a case: `value(_:)` is asked for a few paths per rule and usage, and a `switch` over strings
    /// compares them one by one.
    enum Key {
        case deploymentKind, deploymentNamespace, deploymentName, deploymentEnvironment, deploymentDataClassification,
            deploymentPersonalData, deploymentProduct, deploymentAttribution
        case usageModel, usageHosting, usageRuntime, usageApi, usagePinned, usageFile, usageDeclaredLicense,
            usageDeclaredLicenseSource
        case licenseMatchesDeclared, licenseKnown, licenseId, licenseName, licenseKind, licenseSpdx, licenseAttribution,
            licenseNotice, licenseMauThreshold, licenseEuMultimodalRestriction
        case modelKnown, modelId, modelVendor, modelFamily, modelModalities, modelMultimodal, modelOpenWeights,
            modelBaseModel
        case providerId, providerName, providerApproved, providerZeroDataRetention, providerTier,
            providerTrainsOnApiData, providerMayTrainOnData, providerRetentionDays
        case productName, productMonthlyActiveUsers
        case orgName, orgJurisdiction, orgCommercialUse
    }

    static let keys: [String: Key] = [
        "deployment.kind": .deploymentKind,
        "deployment.namespace": .deploymentNamespace,
        "deployment.name": .deploymentName,
        "deployment.environment": .deploymentEnvironment,
        "deployment.data_classification": .deploymentDataClassification,
        "deployment.personal_data": .deploymentPersonalData,
        "deployment.product": .deploymentProduct,
        "deployment.attribution": .deploymentAttribution,
        "usage.model": .usageModel,
        "usage.hosting": .usageHosting,
        "usage.runtime": .usageRuntime,
        "usage.api": .usageApi,
        "usage.pinned": .usagePinned,
        "usage.file": .usageFile,
        "usage.declared_license": .usageDeclaredLicense,
        "usage.declared_license_source": .usageDeclaredLicenseSource,
        "license.matches_declared": .licenseMatchesDeclared,
        "model.known": .modelKnown,
        "model.id": .modelId,
        "model.vendor": .modelVendor,
        "model.family": .modelFamily,
        "model.modalities": .modelModalities,
        "model.multimodal": .modelMultimodal,
        "model.open_weights": .modelOpenWeights,
        "model.base_model": .modelBaseModel,
        "license.known": .licenseKnown,
        "license.id": .licenseId,
        "license.name": .licenseName,
        "license.kind": .licenseKind,
        "license.spdx": .licenseSpdx,
        "license.attribution": .licenseAttribution,
        "license.notice": .licenseNotice,
        "license.mau_threshold": .licenseMauThreshold,
        "license.eu_multimodal_restriction": .licenseEuMultimodalRestriction,
        "provider.id": .providerId,
        "provider.name": .providerName,
        "provider.approved": .providerApproved,
        "provider.zero_data_retention": .providerZeroDataRetention,
        "provider.tier": .providerTier,
        "provider.trains_on_api_data": .providerTrainsOnApiData,
        "provider.may_train_on_data": .providerMayTrainOnData,
        "provider.retention_days": .providerRetentionDays,
        "product.name": .productName,
        "product.monthly_active_users": .productMonthlyActiveUsers,
        "org.name": .orgName,
        "org.jurisdiction": .orgJurisdiction,
        "org.commercial_use": .orgCommercialUse,
    ]

    public func value(_ path: String) -> FactValue? {
        let usage = resolved.usage
        let match = resolved.match
        let license = resolved.license
        let provider = resolved.provider
        guard let key = Self.keys[path] else { return nil }
        switch key {
        case .deploymentKind: return .string(usage.deployment.kind)
        case .deploymentNamespace: return usage.deployment.namespace.map(FactValue.string)
        case .deploymentName: return .string(usage.deployment.name)
        case .deploymentEnvironment:
            return (label(LabelKey.environment) ?? namespaceDefaults?.environment).map(FactValue.string)
        case .deploymentDataClassification:
            return (label(LabelKey.dataClassification) ?? namespaceDefaults?.dataClassification).map { .string($0.lowercased()) }
        case .deploymentPersonalData:
            if let text = label(LabelKey.personalData) { return .bool(["true", "yes", "1"].contains(text.lowercased())) }
            return namespaceDefaults?.personalData.map(FactValue.bool)
        case .deploymentProduct: return label(LabelKey.product).map(FactValue.string)
        case .deploymentAttribution: return label(LabelKey.attribution).map(FactValue.string)
        case .usageModel: return usage.model.map(FactValue.string)
        case .usageHosting: return .string(usage.hosting.rawValue)
        case .usageRuntime: return usage.runtime.map(FactValue.string)
        case .usageApi: return usage.api.map(FactValue.string)
        case .usagePinned:
            // A placeholder or an Azure deployment name is judged by what it resolves to.
            return usage.model.map { .bool(UsageFacts.isPinned(usage.catalogName ?? $0, usage: usage, match: match)) }
        case .usageFile: return .string(usage.location.file)
        case .usageDeclaredLicense: return usage.declaredLicense.map(FactValue.string)
        case .usageDeclaredLicenseSource: return usage.declaredLicenseSource.map(FactValue.string)
        case .licenseMatchesDeclared:
            guard let declared = usage.declaredLicense, let license else { return nil }
            return .bool(license.isNamed(declared))
        case .modelKnown: return .bool(match != nil)
        case .modelId: return match.map { .string($0.model.id) }
        case .modelVendor: return .string(resolved.vendor)
        case .modelFamily: return .string(resolved.family)
        case .modelModalities: return match.map { .list($0.modalities) }
        case .modelMultimodal: return match.map { .bool($0.isMultimodal) }
        case .modelOpenWeights: return match.map { .bool($0.model.openWeights) }
        case .modelBaseModel: return match?.model.baseModel.map(FactValue.string)
        case .licenseKnown: return .bool(license != nil)
        case .licenseId: return license.map { .string($0.id) }
        case .licenseName: return license.map { .string($0.name) }
        case .licenseKind: return license.map { .string($0.kind.rawValue) }
        case .licenseSpdx: return license?.spdx.map(FactValue.string)
        case .licenseAttribution: return license?.attribution.map(FactValue.string)
        case .licenseNotice: return license?.notice.map(FactValue.string)
        case .licenseMauThreshold: return license?.monthlyActiveUserThreshold.map { .number(Double($0)) }
        case .licenseEuMultimodalRestriction: return license.map { .bool($0.euMultimodalRestriction) }
        case .providerId: return (provider?.id ?? usage.api).map(FactValue.string)
        case .providerName: return provider.map { .string($0.name) }
        case .providerApproved:
            guard usage.hosting == .externalAPI else { return nil }
            return .bool(organization.approvedProviders.contains(provider?.id ?? usage.api ?? ""))
        case .providerZeroDataRetention:
            guard usage.hosting == .externalAPI else { return nil }
            return .bool(agreement?.zeroDataRetention ?? false)
        case .providerTier: return agreement?.tier.map(FactValue.string)
        case .providerTrainsOnApiData: return provider.map { .string($0.trainsOnAPIData.rawValue) }
        case .providerMayTrainOnData:
            guard usage.hosting == .externalAPI, let provider else { return nil }
            switch provider.trainsOnAPIData {
            case .no: return .bool(false)
            case .yes: return .bool(agreement?.zeroDataRetention != true)
            case .dependsOnTier: return .bool(!(agreement?.tier == "paid" || agreement?.tier == "enterprise" || agreement?.zeroDataRetention == true))
            }
        case .providerRetentionDays: return provider?.retentionDays.map { .number(Double($0)) }
        case .productName: return label(LabelKey.product).map(FactValue.string)
        case .productMonthlyActiveUsers:
            return label(LabelKey.product).flatMap { organization.products[$0] }.map { .number(Double($0)) }
        case .orgName: return .string(organization.name)
        case .orgJurisdiction: return organization.jurisdiction.map(FactValue.string)
        case .orgCommercialUse: return .bool(organization.commercialUse)
        }
    }

    private var agreement: Organization.Agreement? {
        (resolved.provider?.id ?? resolved.usage.api).flatMap { organization.agreements[$0] }
    }

    private var namespaceDefaults: Organization.NamespaceDefaults? {
        organization.defaults(forNamespace: resolved.usage.deployment.namespace)
    }

    private func label(_ key: String) -> String? {
        deployment.flatMap { organization.label(key, in: $0.labels) }
    }

    /// A reference names a version or tag: an Ollama tag other than `latest`, a dated or numbered API model,
    /// a Hugging Face id or file (which names its checkpoint).
    static func isPinned(_ model: String, usage: Usage, match: ModelMatch?) -> Bool {
        let lower = model.lowercased()
        if lower.hasSuffix(":latest") || lower.hasSuffix("-latest") || lower.includes("${") { return false }
        if usage.runtime == "ollama" || lower.hasPrefix("ollama/") || lower.hasPrefix("ollama-chat/") || lower.hasPrefix("ollama://") {
            let name = lower.split(separator: "/").last.map(String.init) ?? lower
            return name.contains(":")
        }
        if usage.hosting == .externalAPI && match?.model.openWeights != true {
            // Closed API models float unless a date or version suffix fixes them.
            return VersionSuffix.fixesVersion(lower)
        }
        return true
    }
}
