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

    public func value(_ path: String) -> FactValue? {
        let usage = resolved.usage
        let match = resolved.match
        let license = resolved.license
        let provider = resolved.provider
        switch path {
        case "deployment.kind": return .string(usage.deployment.kind)
        case "deployment.namespace": return usage.deployment.namespace.map(FactValue.string)
        case "deployment.name": return .string(usage.deployment.name)
        case "deployment.environment":
            return (label(LabelKey.environment) ?? namespaceDefaults?.environment).map(FactValue.string)
        case "deployment.data_classification":
            return (label(LabelKey.dataClassification) ?? namespaceDefaults?.dataClassification).map { .string($0.lowercased()) }
        case "deployment.personal_data":
            if let text = label(LabelKey.personalData) { return .bool(["true", "yes", "1"].contains(text.lowercased())) }
            return namespaceDefaults?.personalData.map(FactValue.bool)
        case "deployment.product": return label(LabelKey.product).map(FactValue.string)
        case "deployment.attribution": return label(LabelKey.attribution).map(FactValue.string)
        case "usage.model": return usage.model.map(FactValue.string)
        case "usage.hosting": return .string(usage.hosting.rawValue)
        case "usage.runtime": return usage.runtime.map(FactValue.string)
        case "usage.api": return usage.api.map(FactValue.string)
        case "usage.pinned":
            // A placeholder or an Azure deployment name is judged by what it resolves to.
            return usage.model.map { .bool(UsageFacts.isPinned(usage.catalogName ?? $0, usage: usage, match: match)) }
        case "usage.file": return .string(usage.location.file)
        case "usage.declared_license": return usage.declaredLicense.map(FactValue.string)
        case "usage.declared_license_source": return usage.declaredLicenseSource.map(FactValue.string)
        case "license.matches_declared":
            guard let declared = usage.declaredLicense, let license else { return nil }
            return .bool(license.isNamed(declared))
        case "model.known": return .bool(match != nil)
        case "model.id": return match.map { .string($0.model.id) }
        case "model.vendor": return .string(resolved.vendor)
        case "model.family": return .string(resolved.family)
        case "model.modalities": return match.map { .list($0.modalities) }
        case "model.multimodal": return match.map { .bool($0.isMultimodal) }
        case "model.open_weights": return match.map { .bool($0.model.openWeights) }
        case "model.base_model": return match?.model.baseModel.map(FactValue.string)
        case "license.known": return .bool(license != nil)
        case "license.id": return license.map { .string($0.id) }
        case "license.name": return license.map { .string($0.name) }
        case "license.kind": return license.map { .string($0.kind.rawValue) }
        case "license.spdx": return license?.spdx.map(FactValue.string)
        case "license.attribution": return license?.attribution.map(FactValue.string)
        case "license.notice": return license?.notice.map(FactValue.string)
        case "license.mau_threshold": return license?.monthlyActiveUserThreshold.map { .number(Double($0)) }
        case "license.eu_multimodal_restriction": return license.map { .bool($0.euMultimodalRestriction) }
        case "provider.id": return (provider?.id ?? usage.api).map(FactValue.string)
        case "provider.name": return provider.map { .string($0.name) }
        case "provider.approved":
            guard usage.hosting == .externalAPI else { return nil }
            return .bool(organization.approvedProviders.contains(provider?.id ?? usage.api ?? ""))
        case "provider.zero_data_retention":
            guard usage.hosting == .externalAPI else { return nil }
            return .bool(agreement?.zeroDataRetention ?? false)
        case "provider.tier": return agreement?.tier.map(FactValue.string)
        case "provider.trains_on_api_data": return provider.map { .string($0.trainsOnAPIData.rawValue) }
        case "provider.may_train_on_data":
            guard usage.hosting == .externalAPI, let provider else { return nil }
            switch provider.trainsOnAPIData {
            case .no: return .bool(false)
            case .yes: return .bool(agreement?.zeroDataRetention != true)
            case .dependsOnTier: return .bool(!(agreement?.tier == "paid" || agreement?.tier == "enterprise" || agreement?.zeroDataRetention == true))
            }
        case "provider.retention_days": return provider?.retentionDays.map { .number(Double($0)) }
        case "product.name": return label(LabelKey.product).map(FactValue.string)
        case "product.monthly_active_users":
            return label(LabelKey.product).flatMap { organization.products[$0] }.map { .number(Double($0)) }
        case "org.name": return .string(organization.name)
        case "org.jurisdiction": return organization.jurisdiction.map(FactValue.string)
        case "org.commercial_use": return .bool(organization.commercialUse)
        default: return nil
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
            return lower.range(of: #"(\d{4}-?\d{2}-?\d{2}|@\d+|-\d{3}$|-v\d+(:\d+)?$|-\d{4}$)"#, options: .regularExpression) != nil
        }
        return true
    }
}
